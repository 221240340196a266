import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Condition, ListQuery, ListResult } from '../query.js';
import type { GroupRecord, GroupRepository, MemberRecord, MemberType } from '../store.js';
import { conditionToSql, type ColumnMapping, type ConditionScope } from './filter-to-sql.js';
import type { SqlDialect } from './dialects/dialect.js';
import { listPage, type ListableTable } from './list-page.js';
import { isUniqueViolation } from './sql-errors.js';
import { sortExpressionFor } from './sort-expression.js';
import type { GroupsTable, RosterDatabase } from './tables.js';
import { cachedPerDialect, parseDocument, semiJoin, type StorageMap } from './users.repo.js';

const listableGroups = new WeakMap<SqlDialect, ListableTable>();

function toGroupRecord(row: GroupsTable): GroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    displayNameFold: row.display_name_fold,
    externalId: row.external_id,
    document: parseDocument(row.data),
    version: Number(row.version),
    createdMs: Number(row.created_ms),
    modifiedMs: Number(row.modified_ms),
  };
}

const memberColumns: Record<string, ColumnMapping> = {
  value: { expression: sql.ref('m.member_id') },
  type: { expression: sql.ref('m.member_type') },
  display: {
    // As members() shows it: the client's label first.
    expression: sql`coalesce(m.display, (select mu.user_name from users mu where mu.tenant_id = m.tenant_id and mu.id = m.member_id),
      (select mg.display_name from groups mg where mg.tenant_id = m.tenant_id and mg.id = m.member_id))`,
  },
};

interface MemberRow {
  member_id: string;
  member_type: string;
  display: string | null;
}

/** A member's label: the one the IdP sent, else the person's userName or the group's name. */
const MEMBER_COLUMNS = sql`m.member_id, m.member_type, coalesce(m.display, u.user_name, g.display_name) as display`;
const MEMBER_JOINS = sql`from group_members m
  left join users u on m.member_type = 'User' and u.tenant_id = m.tenant_id and u.id = m.member_id
  left join groups g on m.member_type = 'Group' and g.tenant_id = m.tenant_id and g.id = m.member_id`;

const toMember = (r: MemberRow): MemberRecord => ({ id: r.member_id, type: r.member_type === 'Group' ? 'Group' : 'User', display: r.display });

/** Conditions over one membership row (alias m): `value`, `type`, `display`. */
function memberScope(dialect: SqlDialect): ConditionScope {
  return { dialect, document: sql`null`, column: (p) => memberColumns[p.join('.').toLowerCase()] };
}

/** Field → column map for groups (lower-case paths); everything else is read from the JSON document. */
function groupColumnMap(alias: string): Record<string, ColumnMapping> {
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  return {
    id: { expression: ref('id') },
    displayname: { expression: ref('display_name'), folded: ref('display_name_fold') },
    externalid: { expression: ref('external_id') },
    'meta.created': { expression: ref('created_ms'), storage: 'ms' },
    'meta.lastmodified': { expression: ref('modified_ms'), storage: 'ms' },
    'meta.resourcetype': { expression: sql`'Group'` },
  };
}

/** Groups' storage map: which filterable and sortable fields run on columns and child tables. */
export const GROUP_STORAGE_MAP: StorageMap = {
  columns: Object.keys(groupColumnMap('g')),
  collections: { members: Object.keys(memberColumns) },
};

/** The condition scope of the groups table: members live in group_members. */
export function groupScope(dialect: SqlDialect, alias = 'g'): ConditionScope {
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  const columns = groupColumnMap(alias);
  return {
    dialect,
    document: ref('data'),
    column: (path) => columns[path.join('.').toLowerCase()],
    collection(path, element, placement) {
      if (path.join('.').toLowerCase() !== 'members') return undefined;
      const where = element(memberScope(dialect));
      const rows = { outerTenant: ref('tenant_id'), outerId: ref('id'), from: sql`group_members m`, tenant: sql.ref('m.tenant_id'), id: sql.ref('m.group_id'), where };
      return semiJoin(dialect, rows, placement);
    },
  };
}

/** Groups of one tenant; memberships are changed with one statement per step, whatever their number. */
export class SqlGroupRepository implements GroupRepository {
  private readonly listable: ListableTable;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {
    this.listable = cachedPerDialect(listableGroups, dialect, () => {
      const scope = groupScope(dialect);
      return { table: 'groups', alias: 'g', scope, sortExpression: (query) => sortExpressionFor(scope, query) };
    });
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<GroupRecord | undefined> {
    let q = this.db.selectFrom('groups').selectAll().where('tenant_id', '=', this.tenantId).where('id', '=', id);
    if (options?.forUpdate && this.dialect.engine === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toGroupRecord(row) : undefined;
  }

  async lockForChange(id: string, options: { countMembers: boolean }): Promise<{ group: GroupRecord; memberCount?: number } | undefined> {
    if (!options.countMembers) {
      const group = await this.findById(id, { forUpdate: true });
      return group && { group };
    }
    // A scalar sub-query in the select list: PostgreSQL locks only the groups row (FOR UPDATE).
    let q = this.db
      .selectFrom('groups')
      .selectAll('groups')
      .select((eb) =>
        eb
          .selectFrom('group_members as m')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('m.tenant_id', '=', 'groups.tenant_id')
          .whereRef('m.group_id', '=', 'groups.id')
          .as('member_count'),
      )
      .where('tenant_id', '=', this.tenantId)
      .where('id', '=', id);
    if (this.dialect.engine === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) return undefined;
    const { member_count, ...group } = row;
    return { group: toGroupRecord(group), memberCount: Number(member_count ?? 0) };
  }

  async insert(group: GroupRecord): Promise<boolean> {
    const inserted = await this.db
      .insertInto('groups')
      .values({ ...this.columns(group), tenant_id: this.tenantId, id: group.id, created_ms: group.createdMs })
      .onConflict((oc) => oc.columns(['tenant_id', 'display_name_fold']).doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async update(group: GroupRecord): Promise<boolean> {
    try {
      await this.db.updateTable('groups').set(this.columns(group)).where('tenant_id', '=', this.tenantId).where('id', '=', group.id).execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    // Memberships of the group go with it (foreign key cascade); the group as a member of others goes here.
    await this.db.deleteFrom('group_members').where('tenant_id', '=', this.tenantId).where('member_id', '=', id).execute();
    const result = await this.db.deleteFrom('groups').where('tenant_id', '=', this.tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(query: ListQuery): Promise<ListResult<GroupRecord>> {
    const page = await listPage<GroupsTable>(this.db, this.tenantId, this.listable, query);
    return { ...page, rows: page.rows.map(toGroupRecord) };
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('groups')
      .select('id')
      .where('tenant_id', '=', this.tenantId)
      .where(this.dialect.inList(sql.ref('id'), ids))
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  async members(groupId: string): Promise<MemberRecord[]> {
    return (await this.membersOf([groupId])).get(groupId) ?? [];
  }

  membersOf(groupIds: readonly string[]): Promise<Map<string, MemberRecord[]>>;
  membersOf(groupIds: readonly string[], limit: number): Promise<Map<string, MemberRecord[]> | undefined>;
  async membersOf(groupIds: readonly string[], limit?: number): Promise<Map<string, MemberRecord[]> | undefined> {
    const byGroup = new Map<string, MemberRecord[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return byGroup;
    // One statement for a whole page of groups, grouped here, instead of one per group; one row
    // past the limit tells that there are more than it allows.
    const cap = limit === undefined ? sql`` : sql`limit ${limit + 1}`;
    const { rows } = await sql<MemberRow & { group_id: string }>`
      select m.group_id, ${MEMBER_COLUMNS} ${MEMBER_JOINS}
      where m.tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('m.group_id'), groupIds)}
      order by m.group_id, m.member_id ${cap}`.execute(this.db);
    if (limit !== undefined && rows.length > limit) return undefined;
    for (const r of rows) byGroup.get(r.group_id)?.push(toMember(r));
    return byGroup;
  }

  async memberCounts(groupIds: readonly string[]): Promise<Map<string, number>> {
    if (groupIds.length === 0) return new Map();
    // Counted on the primary key alone: no member row is read.
    const { rows } = await sql<{ group_id: string; n: number | string }>`
      select m.group_id, count(*) as n from group_members m
      where m.tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('m.group_id'), groupIds)}
      group by m.group_id`.execute(this.db);
    return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
  }

  async membersPage(groupId: string, afterId: string | undefined, limit: number): Promise<MemberRecord[]> {
    // The primary key (tenant_id, group_id, member_id) gives the order and the start: each page
    // costs its own size, wherever it starts in a group of any size.
    const after = afterId === undefined ? sql`` : sql`and m.member_id > ${afterId}`;
    const { rows } = await sql<MemberRow>`
      select ${MEMBER_COLUMNS} ${MEMBER_JOINS}
      where m.tenant_id = ${this.tenantId} and m.group_id = ${groupId} ${after}
      order by m.member_id limit ${limit}`.execute(this.db);
    return rows.map(toMember);
  }

  async addMembers(groupId: string, members: readonly { id: string; type: MemberType; display?: string }[], nowMs: number): Promise<string[]> {
    if (members.length === 0) return [];
    // One statement for any number and shape of members (Okta labels every one with `display`):
    // the rows arrive as one table parameter, and RETURNING names those really added.
    const rows = members.map((m) => [m.id, m.type, m.display ?? null]);
    const { rows: added } = await sql<{ member_id: string }>`
      insert into group_members (tenant_id, group_id, member_id, member_type, display, created_ms)
      select ${this.tenantId}, ${groupId}, t.id, t.type, t.display, ${nowMs}
      from ${this.dialect.rowsTable(['id', 'type', 'display'], rows, 't')}
      where true
      on conflict (tenant_id, group_id, member_id) do nothing
      returning member_id`.execute(this.db);
    return added.map((row) => row.member_id);
  }

  async removeMembers(groupId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .deleteFrom('group_members')
      .where('tenant_id', '=', this.tenantId)
      .where('group_id', '=', groupId)
      .where(this.dialect.inList(sql.ref('member_id'), ids))
      .returning('member_id')
      .execute();
    return rows.map((r) => r.member_id);
  }

  async retainMembers(groupId: string, keep: readonly string[]): Promise<string[]> {
    if (keep.length === 0) return this.removeAllMembers(groupId);
    const { rows } = await sql<{ member_id: string }>`delete from group_members
      where tenant_id = ${this.tenantId} and group_id = ${groupId} and not (${this.dialect.inList(sql.ref('member_id'), keep)})
      returning member_id`.execute(this.db);
    return rows.map((r) => r.member_id);
  }

  async removeMembersWhere(groupId: string, condition: Condition): Promise<string[]> {
    const { rows } = await sql<{ member_id: string }>`delete from group_members as m
      where m.tenant_id = ${this.tenantId} and m.group_id = ${groupId} and ${conditionToSql(memberScope(this.dialect), condition)}
      returning member_id`.execute(this.db);
    return rows.map((r) => r.member_id);
  }

  async memberCount(groupId: string): Promise<number> {
    const row = await this.db
      .selectFrom('group_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', this.tenantId)
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async removeAllMembers(groupId: string): Promise<string[]> {
    const rows = await this.db.deleteFrom('group_members').where('tenant_id', '=', this.tenantId).where('group_id', '=', groupId).returning('member_id').execute();
    return rows.map((r) => r.member_id);
  }

  async removeMemberEverywhere(memberId: string): Promise<string[]> {
    const rows = await this.db.deleteFrom('group_members').where('tenant_id', '=', this.tenantId).where('member_id', '=', memberId).returning('group_id').execute();
    return rows.map((r) => r.group_id);
  }

  async touch(groupIds: readonly string[], nowMs: number): Promise<void> {
    if (groupIds.length === 0) return;
    await this.db
      .updateTable('groups')
      .set((eb) => ({ version: eb('version', '+', 1), modified_ms: nowMs }))
      .where('tenant_id', '=', this.tenantId)
      .where(this.dialect.inList(sql.ref('id'), groupIds))
      .execute();
  }

  private columns(group: GroupRecord) {
    return {
      display_name: group.displayName,
      display_name_fold: group.displayNameFold,
      external_id: group.externalId,
      data: this.dialect.documentParam(JSON.stringify(group.document)) as RawBuilder<string>,
      version: group.version,
      modified_ms: group.modifiedMs,
    };
  }
}
