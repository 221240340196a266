import type { Kysely } from 'kysely';
import type { AuditEntry, AuditRepository } from '../store.js';
import type { RosterDatabase } from './tables.js';

/** What was deleted and when, without personal data. */
export class SqlAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly tenantId: string,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ tenant_id: this.tenantId, id: entry.id, at_ms: entry.atMs, action: entry.action, resource_type: entry.resourceType, resource_id: entry.resourceId })
      .execute();
  }

  async latest(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', this.tenantId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, atMs: Number(r.at_ms), action: r.action, resourceType: r.resource_type, resourceId: r.resource_id }));
  }
}
