import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { HeldChangeKind, HeldChangeRecord, HeldChangeRepository, HeldChangeStatus } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { HeldChangesTable, RosterDatabase } from './tables.js';
import { parseDocument } from './users.repo.js';

const toHeld = (row: HeldChangesTable): HeldChangeRecord => ({
  id: row.id,
  kind: row.kind as HeldChangeKind,
  resourceId: row.resource_id,
  baseVersion: Number(row.base_version),
  payload: parseDocument(row.payload),
  reason: row.reason,
  status: row.status as HeldChangeStatus,
  createdMs: Number(row.created_ms),
  decidedMs: row.decided_ms === null ? null : Number(row.decided_ms),
});

/** Held mass changes of one tenant. */
export class SqlHeldChangeRepository implements HeldChangeRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async add(change: HeldChangeRecord): Promise<void> {
    await this.db
      .insertInto('held_changes')
      .values({
        tenant_id: this.tenantId,
        id: change.id,
        kind: change.kind,
        resource_id: change.resourceId,
        base_version: change.baseVersion,
        payload: this.dialect.documentParam(JSON.stringify(change.payload)) as RawBuilder<string>,
        reason: change.reason,
        status: change.status,
        created_ms: change.createdMs,
        decided_ms: change.decidedMs,
      })
      .execute();
  }

  async list(status: HeldChangeStatus | undefined, limit: number): Promise<HeldChangeRecord[]> {
    let q = this.db.selectFrom('held_changes').selectAll().where('tenant_id', '=', this.tenantId);
    if (status) q = q.where('status', '=', status);
    return (await q.orderBy('created_ms', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toHeld);
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<HeldChangeRecord | undefined> {
    let q = this.db.selectFrom('held_changes').selectAll().where('tenant_id', '=', this.tenantId).where('id', '=', id);
    if (options?.forUpdate && this.dialect.engine === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toHeld(row) : undefined;
  }

  async decide(id: string, status: 'approved' | 'discarded', nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('held_changes')
      .set({ status, decided_ms: nowMs })
      .where('tenant_id', '=', this.tenantId)
      .where('id', '=', id)
      .where('status', '=', 'held')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recentRemovals(sinceMs: number): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from events
      where tenant_id = ${this.tenantId} and type in ('user.deactivated', 'user.deleted') and occurred_ms >= ${sinceMs}`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  async activeCount(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*) as n from users where tenant_id = ${this.tenantId} and active = 1`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }
}
