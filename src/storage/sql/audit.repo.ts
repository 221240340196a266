import type { Kysely } from 'kysely';
import type { AuditRepository } from '../store.js';
import type { RosterDatabase } from './tables.js';

/** What was deleted and when, without personal data. */
export class SqlAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly tenantId: string,
  ) {}

  async record(entry: { id: string; atMs: number; action: string; resourceType: string; resourceId: string }): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ tenant_id: this.tenantId, id: entry.id, at_ms: entry.atMs, action: entry.action, resource_type: entry.resourceType, resource_id: entry.resourceId })
      .execute();
  }
}
