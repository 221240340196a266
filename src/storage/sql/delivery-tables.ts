import type { Kysely } from 'kysely';
import type { RosterDatabase } from './tables.js';

/** Row shapes of the delivery tables (migration 004); times are epoch milliseconds. */
export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string | null;
  url: string;
  label: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until_ms: number | null;
  created_ms: number;
  /** Migration 014: JSON `[{ secret, untilMs }]`, every retired secret still in its overlap. */
  retiring_secrets: string;
}

export interface WebhookStreamsTable {
  endpoint_id: string;
  tenant_id: string;
  last_seq: number;
  state: string;
  attempts: number;
  first_failure_ms: number | null;
  next_attempt_ms: number;
  last_error: string | null;
  delivered_ms: number | null;
  lease_owner: string | null;
  lease_until_ms: number | null;
  /** Migration 009: taken anew by every claim. */
  lease_token: number;
}

export interface WebhookDeadLettersTable {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  seq: number;
  event_id: string;
  event_type: string;
  attempts: number;
  first_failure_ms: number;
  dead_ms: number;
  last_error: string | null;
  replayed_ms: number | null;
}

export interface HostKeysTable {
  id: string;
  tenant_id: string | null;
  label: string;
  secret_hash: string;
  created_ms: number;
  last_used_ms: number | null;
  revoked_ms: number | null;
}

/** Added to the Kysely schema with `db.withTables<DeliveryTables>()`. */
export type DeliveryTables = {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_streams: WebhookStreamsTable;
  webhook_dead_letters: WebhookDeadLettersTable;
  host_keys: HostKeysTable;
};

/** The query builder with the delivery tables added. */
export type DeliveryDb = Kysely<RosterDatabase & DeliveryTables>;

/** A nullable bigint column as a number (PostgreSQL and SQLite both answer numbers; be safe). */
export const num = (value: number | string | null): number | null => (value === null ? null : Number(value));
