import { sql, type Kysely } from 'kysely';
import type { RequestLogEntry, RequestLogQuery, RequestLogRepository } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RequestLogTable, RosterDatabase } from './tables.js';
import { storableText } from '../../json/storable-text.js';
import { rawQuery } from './raw-query.js';
import { parseDocument } from './users.repo.js';

function toEntry(row: RequestLogTable): RequestLogEntry {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    atMs: Number(row.at_ms),
    method: row.method,
    path: row.path,
    status: Number(row.status),
    durationMs: Number(row.duration_ms),
    client: row.client,
    credentialId: row.credential_id,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    changed: Number(row.changed) === 1,
    notes: parseDocument(row.notes),
    error: row.error,
  };
}

const COLUMNS = 'tenant_id, id, at_ms, method, path, status, duration_ms, client, credential_id, resource_type, resource_id, changed, notes, error';

/**
 * Each entry is one JSON array, in COLUMNS order (see `asRow`). Entries of a tenant deleted
 * meanwhile (`roster tenant delete` in another process, while this one buffered its last 403s) are
 * dropped here: one such entry would otherwise fail the whole batch on the foreign key.
 */
const INSERT_SQLITE = `insert into request_log (${COLUMNS})
  select e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5, e.value ->> 6,
    e.value ->> 7, e.value ->> 8, e.value ->> 9, e.value ->> 10, e.value ->> 11, e.value -> 12, e.value ->> 13
  from json_each(?) as e where exists (select 1 from tenants t where t.id = e.value ->> 0)
  on conflict (tenant_id, id) do nothing`;
const INSERT_POSTGRES = `insert into request_log (${COLUMNS})
  select e ->> 0, e ->> 1, (e ->> 2)::bigint, e ->> 3, e ->> 4, (e ->> 5)::integer, (e ->> 6)::integer,
    e ->> 7, e ->> 8, e ->> 9, e ->> 10, (e ->> 11)::integer, e -> 12, e ->> 13
  from jsonb_array_elements(?::jsonb) as e where exists (select 1 from tenants t where t.id = e ->> 0)
  on conflict (tenant_id, id) do nothing`;

function asRow(e: RequestLogEntry): unknown[] {
  return [
    e.tenantId,
    e.id,
    e.atMs,
    e.method,
    e.path,
    e.status,
    e.durationMs,
    e.client,
    e.credentialId,
    e.resourceType,
    e.resourceId,
    e.changed ? 1 : 0,
    e.notes,
    e.error,
  ];
}

/** Lone surrogates and U+0000 as U+FFFD: PostgreSQL's jsonb refuses both, and one would lose the whole batch. */
const storable = (_key: string, value: unknown): unknown => (typeof value === 'string' ? storableText(value) : value);

/**
 * Writes provisioning-log entries of several tenants in one statement. The batch goes as one JSON
 * parameter that the database unpacks: a multi-row insert through the query builder cost several
 * milliseconds per 500 entries to build and compile, about 5% of a PostgreSQL lookup's CPU.
 */
export async function appendRequestLog(db: Kysely<RosterDatabase>, dialect: SqlDialect, entries: readonly RequestLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map(asRow);
  let json = JSON.stringify(rows);
  // JSON.stringify writes a lone surrogate as \udXXX and U+0000 as \u0000; only then is the slower pass needed.
  if (json.includes('\\ud') || json.includes('\\u0000')) json = JSON.stringify(rows, storable);
  await rawQuery(db, dialect.engine, dialect.engine === 'postgres' ? INSERT_POSTGRES : INSERT_SQLITE, [json]);
}

/** The provisioning log of one tenant, newest first (oldest first after a cursor), filtered in the database. */
export class SqlRequestLogRepository implements RequestLogRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async list(query: RequestLogQuery): Promise<RequestLogEntry[]> {
    let q = this.db.selectFrom('request_log').selectAll().where('tenant_id', '=', this.tenantId);
    if (query.method) q = q.where('method', '=', query.method.toUpperCase());
    if (query.status === 'error') q = q.where('status', '>=', 400);
    else if (query.status === 'ok') q = q.where('status', '<', 400);
    else if (typeof query.status === 'number') q = q.where('status', '=', query.status);
    if (query.resourceId) q = q.where('resource_id', '=', query.resourceId);
    if (query.changedOnly) q = q.where('changed', '=', 1);
    if (query.before) q = q.where('id', '<', query.before);
    if (query.after) q = q.where('id', '>', query.after);
    if (query.text) {
      const needle = query.text.toLowerCase();
      const has = (column: string) => this.dialect.contains(sql`lower(coalesce(${sql.ref(column)}, ''))`, needle);
      q = q.where(sql<boolean>`(${has('path')} or ${has('client')} or ${has('error')})`);
    }
    const rows = await q
      .orderBy('id', query.after ? 'asc' : 'desc')
      .limit(query.limit)
      .execute();
    return rows.map(toEntry);
  }

  async prune(beforeMs: number, limit: number): Promise<number> {
    // The inner select walks request_log_time (tenant_id, at_ms), so a chunk costs its own size
    // however long the log is; the limit keeps each transaction, and its lock, short.
    const result = await sql`delete from request_log where tenant_id = ${this.tenantId} and id in (
      select id from request_log where tenant_id = ${this.tenantId} and at_ms < ${beforeMs} order by at_ms limit ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
