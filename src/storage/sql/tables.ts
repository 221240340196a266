import type { ColumnType } from 'kysely';

/**
 * Row shapes of every table. Times are epoch milliseconds (bigint) and flags 0/1 integers on both
 * engines, so that comparisons, sorting and rendering mean the same on SQLite and PostgreSQL.
 * `data` is the rest of a resource as JSON (TEXT on SQLite, JSONB on PostgreSQL).
 */
export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  provisioning_enabled: number;
  settings: string;
  created_ms: number;
  last_request_ms: number | null;
  last_change_ms: number | null;
  /** Migration 017: 'live' or 'preview' (store.ts TenantMode); 'live' unless written. */
  mode: ColumnType<string, string | undefined, string>;
}

export interface CredentialsTable {
  id: string;
  tenant_id: string;
  kind: string;
  label: string;
  secret_hash: string;
  created_ms: number;
  last_used_ms: number | null;
  revoked_ms: number | null;
}

export interface UsersTable {
  tenant_id: string;
  id: string;
  user_name: string;
  /** userName folded in TypeScript (NFKC + lower case) so uniqueness means the same on both engines. */
  user_name_fold: string;
  external_id: string | null;
  display_name_fold: string | null;
  active: number;
  data: string;
  version: number;
  created_ms: number;
  modified_ms: number;
  /** Who made the profile: 'scim', or 'sso' / 'admin' / 'import' (adoptable by a SCIM create). */
  source: string;
  employee_number: string | null;
  /** The manager's id once `manager.value` is resolved to a person of the tenant. */
  manager_id: string | null;
  /** Recommended attributes the profile lacks, comma-separated; '' when complete. */
  missing: string;
  /** What the people search looks inside, folded in TypeScript (search-text.ts); trigram-indexed (migration 010). */
  search_text: string;
  /** Folded "given family" name (storage/name-key.ts), null when either is missing: the same-name duplicates index. */
  name_key: string | null;
}

/** Pairs of people an admin decided are not duplicates (user_low < user_high). */
export interface DuplicateDismissalsTable {
  tenant_id: string;
  user_low: string;
  user_high: string;
  /** The admin who decided. */
  decided_by: string;
  decided_ms: number;
}

export interface UserEmailsTable {
  tenant_id: string;
  user_id: string;
  position: number;
  value: string;
  value_fold: string;
  type: string | null;
  is_primary: number;
}

export interface GroupsTable {
  tenant_id: string;
  id: string;
  display_name: string;
  display_name_fold: string;
  external_id: string | null;
  data: string;
  version: number;
  created_ms: number;
  modified_ms: number;
}

export interface GroupMembersTable {
  tenant_id: string;
  group_id: string;
  member_id: string;
  member_type: string;
  display: string | null;
  created_ms: number;
}

export interface FoldersTable {
  tenant_id: string;
  id: string;
  kind: string;
  value: string;
  value_fold: string;
  created_ms: number;
}

export interface FolderMembersTable {
  tenant_id: string;
  folder_id: string;
  user_id: string;
}

export interface PendingReferencesTable {
  tenant_id: string;
  kind: string;
  subject_id: string;
  reference: string;
  reference_fold: string;
  created_ms: number;
}

export interface RequestLogTable {
  tenant_id: string;
  id: string;
  at_ms: number;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  client: string | null;
  credential_id: string | null;
  resource_type: string | null;
  resource_id: string | null;
  changed: number;
  notes: string;
  error: string | null;
  /** Added by 018: the change's event type, the redacted bodies, and what search matches. */
  event: string | null;
  request_body: string | null;
  response_body: string | null;
  search_text: string | null;
}

export interface AuditLogTable {
  tenant_id: string;
  id: string;
  at_ms: number;
  action: string;
  resource_type: string;
  resource_id: string;
}

export interface EventSequencesTable {
  tenant_id: string;
  last_seq: number;
  /** Migration 015: the last seq deleted by retention (0 while none); the outbox holds what follows. */
  pruned_seq: number;
}

export interface EventsTable {
  tenant_id: string;
  /** Null on PostgreSQL until the change has committed and the sequencer has numbered it. */
  seq: number | null;
  id: string;
  type: string;
  occurred_ms: number;
  data: string;
}

export interface HeldChangesTable {
  tenant_id: string;
  id: string;
  kind: string;
  resource_id: string;
  base_version: number;
  payload: string;
  reason: string;
  status: string;
  created_ms: number;
  decided_ms: number | null;
}

export interface RosterDatabase {
  tenants: TenantsTable;
  credentials: CredentialsTable;
  users: UsersTable;
  user_emails: UserEmailsTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  folders: FoldersTable;
  folder_members: FolderMembersTable;
  pending_references: PendingReferencesTable;
  request_log: RequestLogTable;
  audit_log: AuditLogTable;
  duplicate_dismissals: DuplicateDismissalsTable;
  event_sequences: EventSequencesTable;
  events: EventsTable;
  held_changes: HeldChangesTable;
}
