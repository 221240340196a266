import { sql, type Kysely } from 'kysely';
import type { PendingKind, PendingReferenceRecord, PendingReferenceRepository } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { PendingReferencesTable, RosterDatabase } from './tables.js';

export const toPending = (row: PendingReferencesTable): PendingReferenceRecord => ({
  kind: row.kind as PendingKind,
  subjectId: row.subject_id,
  reference: row.reference,
  createdMs: Number(row.created_ms),
});

/** Taken references in the order they were made. */
export const oldestFirst = (references: PendingReferenceRecord[]): PendingReferenceRecord[] => references.sort((a, b) => a.createdMs - b.createdMs);

/** References waiting for their target, of one tenant. */
export class SqlPendingReferenceRepository implements PendingReferenceRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async add(reference: PendingReferenceRecord, referenceFold: string): Promise<void> {
    await this.db
      .insertInto('pending_references')
      .values({
        tenant_id: this.tenantId,
        kind: reference.kind,
        subject_id: reference.subjectId,
        reference: reference.reference,
        reference_fold: referenceFold,
        created_ms: reference.createdMs,
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'subject_id', 'reference_fold']).doNothing())
      .execute();
  }

  async addAll(kind: PendingKind, subjectId: string, references: readonly { reference: string; fold: string }[], createdMs: number): Promise<void> {
    if (references.length === 0) return;
    // One statement for any number of references (a group naming 500 people not provisioned yet).
    const rows = references.map((r) => [r.reference, r.fold]);
    await sql`insert into pending_references (tenant_id, kind, subject_id, reference, reference_fold, created_ms)
      select ${this.tenantId}, ${kind}, ${subjectId}, t.reference, t.fold, ${createdMs}
      from ${this.dialect.rowsTable(['reference', 'fold'], rows, 't')}
      where true
      on conflict (tenant_id, kind, subject_id, reference_fold) do nothing`.execute(this.db);
  }

  async removeForSubject(kind: PendingKind, subjectId: string): Promise<void> {
    await this.db.deleteFrom('pending_references').where('tenant_id', '=', this.tenantId).where('kind', '=', kind).where('subject_id', '=', subjectId).execute();
  }

  async removeReferences(kind: PendingKind, subjectId: string, referenceFolds: readonly string[]): Promise<void> {
    if (referenceFolds.length === 0) return;
    await this.db
      .deleteFrom('pending_references')
      .where('tenant_id', '=', this.tenantId)
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .where(this.dialect.inList(sql.ref('reference_fold'), referenceFolds))
      .execute();
  }

  async takeMatching(referenceFolds: readonly string[]): Promise<PendingReferenceRecord[]> {
    if (referenceFolds.length === 0) return [];
    const { rows } = await sql<PendingReferencesTable>`delete from pending_references
      where tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('reference_fold'), referenceFolds)}
      returning *`.execute(this.db);
    return oldestFirst(rows.map(toPending));
  }

  async forSubject(kind: PendingKind, subjectId: string): Promise<PendingReferenceRecord[]> {
    const rows = await this.db
      .selectFrom('pending_references')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .execute();
    return oldestFirst(rows.map(toPending));
  }

  async list(limit: number, offset: number): Promise<{ rows: PendingReferenceRecord[]; total: number }> {
    const rows = await this.db
      .selectFrom('pending_references')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .orderBy('created_ms')
      .orderBy('subject_id')
      .limit(limit)
      .offset(offset)
      .execute();
    const count = await this.db
      .selectFrom('pending_references')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', this.tenantId)
      .executeTakeFirst();
    return { rows: rows.map(toPending), total: Number(count?.n ?? 0) };
  }
}
