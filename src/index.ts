/** Roster's public API: run the server in-process, embed it in a host's server, read its configuration, and receive its events. */
export { createServer, type RosterServer, type ServerOverrides } from './app/create-server.js';
export { embeddedDatabaseUrl, type EmbeddedRoster, type EmbeddedSettings, type RosterOptions } from './app/embed.js';
export type { HostLogger } from './app/host-logger.js';
export type { RosterAdmin } from './app/roster-admin.js';
export { createRosterHandler, type RosterHandler, type RosterHandlerOptions } from './app/roster-handler.js';
export { rosterPlugin, type RosterPluginOptions } from './app/roster-plugin.js';
export { ConfigError, describeSettings, loadConfig, type RosterConfig } from './config/config.js';
export * from './webhook-helper.js';
export { openStore, type StoreOptions } from './storage/open-store.js';
export type { Store, TenantRecord, TenantScope, StoredUser, GroupRecord, CredentialRecord, TransactionOptions } from './storage/store.js';
