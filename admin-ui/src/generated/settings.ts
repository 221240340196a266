// Generated from the tenant settings schema (src/provisioning/tenants/tenant-settings.ts) by
// scripts/generate-console-settings.ts: change the schema, then run `npm run console-settings`.

/** A tenant's settings as the admin API answers them, every one present. */
export interface TenantSettings {
  /** Language tags a person's preferredLanguage may take (`_` and `-` alike, any case). Default: ["en_gb","en","en-us","nl","ar","es","es-ES","fr","de","it","pl","pt-BR","tr-TR","ru","ja-JP","zh-CN","zh-HK","ko-KR"]. */
  supportedLanguages: string[];
  /** Which field identifies a person when a create arrives for someone who may already exist. Default: "userName". */
  matchingField: 'userName' | 'email' | 'externalId';
  /** The URN Roster's user extension is published under. Default: "urn:ietf:params:scim:schemas:extension:roster:2.0:User". */
  extensionUrn: string;
  /** Whether an SSO login may overwrite attributes SCIM manages (false: SCIM is the source of truth). Default: false. */
  ssoMayUpdate: boolean;
  /** report: a value breaking a rule (hireDate, timezone, language, country, email) is stored as sent and flagged on the person and in the provisioning log; enforce: it is refused with 400 invalidValue and nothing is written. Default: "report". */
  valueRules: 'enforce' | 'report';
  /** on: deactivations, deletions and emptied groups past the mass-change limits are held for an admin to approve or discard instead of applied. Default: "on". */
  massChangeGuard: 'on' | 'off';
  /** Percent of the active people that may be deactivated or deleted within the window; further removals are held. Default: 20. */
  massChangePercent: number;
  /** The window, in minutes, that the mass-change percent counts removals over. Default: 10. */
  massChangeWindowMinutes: number;
  /** The percent limit guards tenants with at least this many active people. Default: 20. */
  massChangeMinActive: number;
  /** A request that would empty a group of more members than this is held. Default: 50. */
  massChangeGroupSize: number;
  /** Days the provisioning log keeps an entry; older ones are deleted in the background. Default: 30. */
  logRetentionDays: number;
  /** Days the outbox keeps an event once every webhook endpoint has received it; the feed then answers a cursor from before the oldest kept event with 410. Default: 90. */
  eventRetentionDays: number;
}
