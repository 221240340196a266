/** Roster's public API: run the server in-process, read its configuration, and receive its events. */
export { createServer, type RosterServer, type ServerOverrides } from './app/create-server.js';
export { ConfigError, describeSettings, loadConfig, type RosterConfig } from './config/config.js';
export * from './webhook-helper.js';
export { openStore, type StoreOptions } from './storage/open-store.js';
export type { Store, TenantRecord, TenantScope, StoredUser, GroupRecord, CredentialRecord } from './storage/store.js';
