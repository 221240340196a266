/** The admin API's answers, as the console reads them (see /admin/api/v1/openapi.json). */

export interface Admin {
  id: string;
  email: string;
  role: 'operator' | 'tenant';
  tenant: string | null;
}

export interface Session {
  admin: Admin;
  csrfToken: string;
  expiresAt: string;
}

export interface Tenant {
  slug: string;
  name: string;
  provisioningEnabled: boolean;
  createdAt: string;
  lastScimRequestAt: string | null;
  lastScimChangeAt: string | null;
  /** How the tenant's webhooks stand, and why when they are not delivering. */
  webhooks: { health: 'ok' | 'retrying' | 'failing'; troubles: { endpointId: string; label: string; health: 'retrying' | 'failing'; message: string }[] };
  /** As `roster doctor` judges the tenant, with held changes and webhook findings. */
  health?: TenantHealth;
}

export interface TenantHealth {
  level: 'ok' | 'note' | 'warning' | 'problem';
  findings: { severity: 'note' | 'warning' | 'problem'; message: string }[];
  lastError: { at: string; method: string; path: string; status: number; error: string | null } | null;
  failedRecent: number;
  recentRequests: number;
  heldChanges: number;
}

/** A console admin as an operator sees them. */
export interface AdminListing {
  id: string;
  email: string;
  role: 'operator' | 'tenant';
  tenant: string | null;
  disabledAt: string | null;
  createdAt: string;
  lastSignInAt: string | null;
}

/** A change the mass-change guard held; `target` and `changes` while it is still held. */
export interface HeldChange {
  id: string;
  kind: 'user.deactivate' | 'user.delete' | 'group.empty';
  resourceId: string;
  reason: string;
  status: 'held' | 'approved' | 'discarded';
  heldAt: string;
  decidedAt: string | null;
  target?: { type: 'person' | 'group'; name: string | null; exists: boolean; members: number | null };
  changes?: { attribute: string; before: unknown; after: unknown }[];
}

export interface Settings {
  supportedLanguages: string[];
  matchingField: 'userName' | 'email' | 'externalId';
  extensionUrn: string;
  ssoMayUpdate: boolean;
  /** 'report' (default): keep a value that breaks a rule and flag it; 'enforce': refuse it with 400. */
  valueRules: 'report' | 'enforce';
  provisioningEnabled: boolean;
}

export interface Endpoints {
  byCredential: string;
  byTenantPath: string;
}

export interface TenantDetail {
  tenant: Tenant;
  settings: Settings;
  endpoints: Endpoints;
}

export interface Credential {
  id: string;
  kind: 'bearer' | 'basic';
  label: string;
  key?: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface IssuedCredential {
  credential: Credential;
  secret: string;
  key?: string;
}

export interface Person {
  id: string;
  userName: string;
  name: string | null;
  email: string | null;
  title: string | null;
  department: string | null;
  active: boolean;
  source: 'scim' | 'sso' | 'admin' | 'import';
  missing: string[];
  createdAt: string;
  modifiedAt: string;
}

export interface PeoplePage {
  people: Person[];
  /** A lower bound when totalExact is false (the console counts at most 10,000). */
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Folder {
  id: string;
  kind: 'department' | 'division' | 'organization';
  value: string;
  memberCount: number;
  createdAt: string;
}

export interface Group {
  id: string;
  displayName: string;
  externalId: string | null;
  memberCount: number;
  createdAt: string;
  modifiedAt: string;
}

export interface Pending {
  kind: 'manager' | 'member';
  subjectId: string;
  subjectName?: string | null;
  reference: string;
  since: string;
  ageSeconds: number;
}

export interface LogEntry {
  id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  client: string | null;
  credential: string | null;
  resourceType: string | null;
  resourceId: string | null;
  changed: boolean;
  changes: string[];
  ignored: { path: string; reason: string; suggestion: string | null; matches: string[] }[];
  normalisers: string[];
  warnings: string[];
  leniencies: string[];
  error: string | null;
}

/** A value kept exactly as the identity provider sent it that breaks one of the directory's rules. */
export interface ValueFlag {
  path: string;
  value: string;
  rule: 'iso-date' | 'iana-timezone' | 'tenant-language' | 'iso-country' | 'email-address';
  accepted: string;
}

export interface PersonDetail {
  person: Person & { externalId: string | null; employeeNumber: string | null; attributes: { [key: string]: Json }; valueFlags: ValueFlag[] };
  groups: { id: string; displayName: string }[];
  folders: Folder[];
  manager: Person | null;
  reports: Person[];
  pending: Pending[];
  history: LogEntry[];
}

export interface Duplicate {
  reason: 'email' | 'name';
  key: string;
  /** The first 20 people of the set. */
  people: Person[];
  /** More people share the key than `people` lists. */
  more: boolean;
}

export interface DuplicatesPage {
  duplicates: Duplicate[];
  /** Sets in the tenant; a lower bound when totalExact is false. */
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
}

export interface SetupBranding {
  productName?: string;
  logoUrl?: string;
  accent?: string;
  returnUrl?: string;
}

/** A browser signed in with a setup link: one tenant's provisioning setup and nothing else. */
export interface SetupSession {
  tenant: { slug: string; name: string };
  idp: string | null;
  branding: SetupBranding;
  csrfToken: string;
  expiresAt: string;
}

export interface SetupOverview {
  tenant: { slug: string; name: string; provisioningEnabled: boolean };
  endpoints: Endpoints;
}

export type GuideBlock =
  | { type: 'md'; text: string }
  | { type: 'table'; header: string[]; rows: string[][] }
  | { type: 'scim-url' }
  | { type: 'token' }
  | { type: 'live-check' }
  | { type: 'if-it-fails'; items: { shows: string; fix: string }[] };

export interface Guide {
  idp: string;
  name: string;
  title: string;
  intro: string;
  terms: { url: string; token: string; test: string };
  sections: { id: string; title: string; kind: string; blocks: GuideBlock[] }[];
}

export interface ConnectionAttempt {
  id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  idp: string | null;
  client: string | null;
  ok: boolean;
  outcome: string;
  explanation: string;
}

export interface SetupLink {
  id: string;
  state: 'open' | 'expired' | 'used' | 'revoked' | 'unknown';
  createdAt: string;
  expiresAt: string;
  singleUse: boolean;
  idp: string | null;
  branding: SetupBranding;
  createdBy: string;
  uses: number;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
