import { sql, type Kysely } from 'kysely';
import type { RequestLogEntry, RequestLogPage, RequestLogQuery, RequestLogRepository } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RequestLogTable, RosterDatabase } from './tables.js';
import { hasUnstorableText, storableText } from '../../json/storable-text.js';
import { directBatchOn } from './direct-statements.js';
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
    event: row.event,
    requestBody: row.request_body,
    responseBody: row.response_body,
    searchText: row.search_text,
  };
}

const COLUMNS =
  'tenant_id, id, at_ms, method, path, status, duration_ms, client, credential_id, resource_type, resource_id, changed, notes, error, event, request_body, response_body, search_text';

/**
 * Each entry is one JSON array, in COLUMNS order (see `asRow`). Entries of a tenant deleted
 * meanwhile (`roster tenant delete` in another process, while this one buffered its last 403s) are
 * dropped here: one such entry would otherwise fail the whole batch on the foreign key.
 */
const INSERT_SQLITE = `insert into request_log (${COLUMNS})
  select e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5, e.value ->> 6,
    e.value ->> 7, e.value ->> 8, e.value ->> 9, e.value ->> 10, e.value ->> 11, e.value -> 12, e.value ->> 13,
    e.value ->> 14, e.value ->> 15, e.value ->> 16, e.value ->> 17
  from json_each(?) as e where exists (select 1 from tenants t where t.id = e.value ->> 0)
  on conflict (tenant_id, id) do nothing`;
const INSERT_POSTGRES = `insert into request_log (${COLUMNS})
  select e ->> 0, e ->> 1, (e ->> 2)::bigint, e ->> 3, e ->> 4, (e ->> 5)::integer, (e ->> 6)::integer,
    e ->> 7, e ->> 8, e ->> 9, e ->> 10, (e ->> 11)::integer, e -> 12, e ->> 13, e ->> 14, e ->> 15, e ->> 16, e ->> 17
  from jsonb_array_elements(?::jsonb) as e where exists (select 1 from tenants t where t.id = e ->> 0)
  on conflict (tenant_id, id) do nothing`;

/** One entry per run on SQLite's idle connection, in COLUMNS order, then the tenant for the check. */
const INSERT_SQLITE_ROW = `insert into request_log (${COLUMNS})
  select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? where exists (select 1 from tenants t where t.id = ?)
  on conflict (tenant_id, id) do nothing`;

const storableValue = (value: unknown): unknown => (typeof value === 'string' && hasUnstorableText(value) ? storableText(value) : value);

/** An entry as INSERT_SQLITE_ROW's parameters. */
function asSqliteParameters(e: RequestLogEntry): unknown[] {
  const row = asRow(e).map(storableValue);
  let notes = JSON.stringify(e.notes);
  if (notes.includes('\\ud') || notes.includes('\\u0000')) notes = JSON.stringify(e.notes, storable);
  row[12] = notes;
  row.push(e.tenantId);
  return row;
}

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
    e.event ?? null,
    e.requestBody ?? null,
    e.responseBody ?? null,
    e.searchText ?? null,
  ];
}

/**
 * The lowest id uuidv7 can give at `ms`: ids start with the time in 48 bits of hex, so a time range
 * is a range of ids, and every filter's index (ending in id) bounds it.
 */
export function idAtOrAfter(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** How many of the newest entries (within the other filters) a text search looks at, by default. */
export const TEXT_SEARCH_WINDOW = 5000;

/** Lone surrogates and U+0000 as U+FFFD: PostgreSQL's jsonb refuses both, and one would lose the whole batch. */
const storable = (_key: string, value: unknown): unknown => (typeof value === 'string' ? storableText(value) : value);

/**
 * Writes provisioning-log entries of several tenants in one statement. The batch goes as one JSON
 * parameter that the database unpacks: a multi-row insert through the query builder cost several
 * milliseconds per 500 entries to build and compile, about 5% of a PostgreSQL lookup's CPU.
 */
export async function appendRequestLog(db: Kysely<RosterDatabase>, dialect: SqlDialect, entries: readonly RequestLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // On SQLite's idle connection, one prepared insert per entry in one transaction: about 40% less
  // CPU per entry than unpacking the batch from JSON, and a lookup's entry was a tenth of its CPU.
  if (dialect.engine === 'sqlite' && directBatchOn(db)?.(INSERT_SQLITE_ROW, entries.map(asSqliteParameters))) return;
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
    return (await this.search(query)).entries;
  }

  /**
   * Every filter but the text search is an equality on an index's leading columns plus a bound on
   * its last, `id`: the person or group by request_log_resource_id, the event type by
   * request_log_event, the rest by the primary key (request_log-plans.test.ts shows the plans).
   * A text search is a substring match no index serves, so it looks at the newest `textWindow`
   * entries the other filters select, and says so (`complete: false`) when it stopped at that
   * window with its page not full.
   */
  async search(query: RequestLogQuery): Promise<RequestLogPage> {
    const newestFirst = !query.after;
    const bounded = () => {
      let q = this.db.selectFrom('request_log').where('tenant_id', '=', this.tenantId);
      if (query.method) q = q.where('method', '=', query.method.toUpperCase());
      if (query.status === 'error') q = q.where('status', '>=', 400);
      else if (query.status === 'ok') q = q.where('status', '<', 400);
      else if (typeof query.status === 'number') q = q.where('status', '=', query.status);
      if (query.resourceId) q = q.where('resource_id', '=', query.resourceId);
      if (query.resourceType) q = q.where('resource_type', '=', query.resourceType);
      if (query.event) q = q.where('event', '=', query.event);
      if (query.changedOnly) q = q.where('changed', '=', 1);
      if (query.before) q = q.where('id', '<', query.before);
      if (query.after) q = q.where('id', '>', query.after);
      if (query.fromMs !== undefined) q = q.where('id', '>=', idAtOrAfter(query.fromMs));
      if (query.toMs !== undefined) q = q.where('id', '<', idAtOrAfter(query.toMs + 1));
      return q;
    };
    if (!query.text) {
      const rows = await bounded()
        .selectAll()
        .orderBy('id', newestFirst ? 'desc' : 'asc')
        .limit(query.limit)
        .execute();
      return { entries: rows.map(toEntry), complete: true };
    }
    const window = query.textWindow ?? TEXT_SEARCH_WINDOW;
    const windowIds = bounded()
      .select('id')
      .orderBy('id', newestFirst ? 'desc' : 'asc')
      .limit(window);
    const needle = query.text.toLowerCase();
    const rows = await this.db
      .selectFrom('request_log')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .where('id', 'in', windowIds)
      .where(this.dialect.contains(sql`coalesce(search_text, lower(path))`, needle))
      .orderBy('id', newestFirst ? 'desc' : 'asc')
      .limit(query.limit)
      .execute();
    if (rows.length >= query.limit) return { entries: rows.map(toEntry), complete: true };
    // The page is short: complete only if the window held every entry the other filters select.
    const beyond = await bounded()
      .select('id')
      .orderBy('id', newestFirst ? 'desc' : 'asc')
      .offset(window)
      .limit(1)
      .executeTakeFirst();
    return { entries: rows.map(toEntry), complete: beyond === undefined };
  }

  async findById(id: string): Promise<RequestLogEntry | undefined> {
    const row = await this.db.selectFrom('request_log').selectAll().where('tenant_id', '=', this.tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toEntry(row) : undefined;
  }

  async prune(beforeMs: number, limit: number): Promise<number> {
    // The inner select walks request_log_time (tenant_id, at_ms), so a chunk costs its own size
    // however long the log is; the limit keeps each transaction, and its lock, short.
    const result = await sql`delete from request_log where tenant_id = ${this.tenantId} and id in (
      select id from request_log where tenant_id = ${this.tenantId} and at_ms < ${beforeMs} order by at_ms limit ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }
}
