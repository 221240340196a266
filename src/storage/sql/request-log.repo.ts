import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { RequestLogEntry, RequestLogQuery, RequestLogRepository } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RequestLogTable, RosterDatabase } from './tables.js';
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

/** Writes provisioning-log entries of several tenants in one multi-row insert. */
export async function appendRequestLog(db: Kysely<RosterDatabase>, dialect: SqlDialect, entries: readonly RequestLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('request_log')
    .values(
      entries.map((e) => ({
        tenant_id: e.tenantId,
        id: e.id,
        at_ms: e.atMs,
        method: e.method,
        path: e.path,
        status: e.status,
        duration_ms: e.durationMs,
        client: e.client,
        credential_id: e.credentialId,
        resource_type: e.resourceType,
        resource_id: e.resourceId,
        changed: e.changed ? 1 : 0,
        notes: dialect.documentParam(JSON.stringify(e.notes)) as RawBuilder<string>,
        error: e.error,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .execute();
}

/** The provisioning log of one tenant, newest first, filtered in the database. */
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
    if (query.text) {
      const needle = query.text.toLowerCase();
      const has = (column: string) => this.dialect.contains(sql`lower(coalesce(${sql.ref(column)}, ''))`, needle);
      q = q.where(sql<boolean>`(${has('path')} or ${has('client')} or ${has('error')})`);
    }
    const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toEntry);
  }
}
