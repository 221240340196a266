import { sql, type Kysely } from 'kysely';
import { foldText } from '../fold.js';
import type { FolderKind, FolderRecord, FolderRepository, MemberCount } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { cappedMemberCounts } from './member-counts.js';
import type { FoldersTable, RosterDatabase } from './tables.js';

function toFolder(row: FoldersTable): FolderRecord {
  return { id: row.id, kind: row.kind as FolderKind, value: row.value, createdMs: Number(row.created_ms) };
}

/** Attribute folders of one tenant. */
export class SqlFolderRepository implements FolderRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async ensure(kind: FolderKind, value: string, id: string, nowMs: number): Promise<{ folder: FolderRecord; created: boolean }> {
    const valueFold = foldText(value);
    const inserted = await this.db
      .insertInto('folders')
      .values({ tenant_id: this.tenantId, id, kind, value, value_fold: valueFold, created_ms: nowMs })
      .onConflict((oc) => oc.columns(['tenant_id', 'kind', 'value_fold']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { folder: toFolder(inserted), created: true };
    const existing = await this.db
      .selectFrom('folders')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .where('kind', '=', kind)
      .where('value_fold', '=', valueFold)
      .executeTakeFirstOrThrow();
    return { folder: toFolder(existing), created: false };
  }

  async place(userId: string, kind: FolderKind, folderId: string | null): Promise<{ left: string | null; joined: string | null }> {
    const current = await this.db
      .selectFrom('folder_members as m')
      .innerJoin('folders as f', (j) => j.onRef('f.tenant_id', '=', 'm.tenant_id').onRef('f.id', '=', 'm.folder_id'))
      .select('m.folder_id')
      .where('m.tenant_id', '=', this.tenantId)
      .where('m.user_id', '=', userId)
      .where('f.kind', '=', kind)
      .executeTakeFirst();
    const currentId = current?.folder_id ?? null;
    if (currentId === folderId) return { left: null, joined: null };
    if (currentId) {
      await this.db.deleteFrom('folder_members').where('tenant_id', '=', this.tenantId).where('folder_id', '=', currentId).where('user_id', '=', userId).execute();
    }
    if (folderId) {
      await this.db.insertInto('folder_members').values({ tenant_id: this.tenantId, folder_id: folderId, user_id: userId }).execute();
    }
    return { left: currentId, joined: folderId };
  }

  async list(kind?: FolderKind): Promise<FolderRecord[]> {
    let query = this.db.selectFrom('folders').selectAll().where('tenant_id', '=', this.tenantId);
    if (kind) query = query.where('kind', '=', kind);
    return (await query.orderBy('kind').orderBy('value_fold').execute()).map(toFolder);
  }

  async findById(id: string): Promise<FolderRecord | undefined> {
    const row = await this.db.selectFrom('folders').selectAll().where('tenant_id', '=', this.tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toFolder(row) : undefined;
  }

  memberCounts(folderIds: readonly string[]): Promise<Map<string, MemberCount>> {
    return cappedMemberCounts(this.db, this.dialect, 'folder', this.tenantId, folderIds);
  }

  async memberIds(folderId: string, limit: number, offset: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('folder_members')
      .select('user_id')
      .where('tenant_id', '=', this.tenantId)
      .where('folder_id', '=', folderId)
      .orderBy('user_id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async foldersOf(userIds: readonly string[]): Promise<Map<string, FolderRecord[]>> {
    const result = new Map<string, FolderRecord[]>();
    if (userIds.length === 0) return result;
    const rows = await this.foldersOfQuery(userIds).execute();
    for (const row of rows) {
      const list = result.get(row.user_id) ?? [];
      list.push(toFolder(row));
      result.set(row.user_id, list);
    }
    return result;
  }

  /** The statement of `foldersOf` (public for the plan test: each person's memberships by folder_members_user). */
  foldersOfQuery(userIds: readonly string[]) {
    return this.db
      .selectFrom('folder_members as m')
      .innerJoin('folders as f', (j) => j.onRef('f.tenant_id', '=', 'm.tenant_id').onRef('f.id', '=', 'm.folder_id'))
      .select(['m.user_id', 'f.tenant_id', 'f.id', 'f.kind', 'f.value', 'f.value_fold', 'f.created_ms'])
      .where('m.tenant_id', '=', this.tenantId)
      .where(this.dialect.inList(sql.ref('m.user_id'), userIds))
      .orderBy('f.kind');
  }
}
