import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { JsonObject } from '../../json/json-value.js';
import { foldText } from '../fold.js';
import type { Condition, ListQuery, ListResult } from '../query.js';
import type { PendingReferenceRecord, StoredUser, UserGroupRecord, UserRecord, UserRepository, UserSource, UserWithGroups } from '../store.js';
import type { ColumnMapping, ConditionScope, Placement } from './filter-to-sql.js';
import type { SqlDialect } from './dialects/dialect.js';
import { listPage, type ListableTable } from './list-page.js';
import { peopleSearchCondition, peopleSearchDense, peopleSearchSource, searchTextHolds } from './people-search.js';
import { oldestFirst, SqlPendingReferenceRepository, toPending } from './pending.repo.js';
import { executeCompiled, rawQuery } from './raw-query.js';
import { isUniqueViolation } from './sql-errors.js';
import { sortExpressionFor } from './sort-expression.js';
import type { PendingReferencesTable, RosterDatabase, UsersTable } from './tables.js';

/** A row of INSERT_USER_TAKING_REFERENCES_PG: the pending reference's columns are null when none was taken. */
type TakenRow = { inserted_id: string | null } & { [K in keyof PendingReferencesTable]: PendingReferencesTable[K] | null };

type UserRow = UsersTable;

const EMAIL_ROWS_PER_STATEMENT = 1000;

export function parseDocument(data: unknown): JsonObject {
  return (typeof data === 'string' ? JSON.parse(data) : data) as JsonObject;
}

const USER_COLUMNS =
  'tenant_id, id, user_name, user_name_fold, external_id, display_name_fold, active, data, version, created_ms, modified_ms, source, employee_number, manager_id, missing, search_text, name_key';
// SQLite: the person, then their emails (no round trips to save).
const INSERT_USER = `insert into users (${USER_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  on conflict (tenant_id, user_name_fold) do nothing returning id`;
// PostgreSQL: the person, any number of emails (rows of [value, fold, type, primary] in $18) and
// the references waiting for them ($19, taken only if the insert happened), in one statement that
// answers one row when nothing was taken.
const INSERT_USER_TAKING_REFERENCES_PG = `with inserted as (insert into users (${USER_COLUMNS})
    values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17)
    on conflict (tenant_id, user_name_fold) do nothing returning tenant_id, id),
  emails as (insert into user_emails (tenant_id, user_id, position, value, value_fold, type, is_primary)
    select inserted.tenant_id, inserted.id, (e.n - 1)::integer, e.row ->> 0, e.row ->> 1, e.row ->> 2, (e.row ->> 3)::integer
    from inserted, jsonb_array_elements($18::jsonb) with ordinality as e(row, n)),
  taken as (delete from pending_references p where p.tenant_id = $1 and p.reference_fold = any($19::text[])
    and exists (select 1 from inserted) returning p.*)
  select inserted.id as inserted_id, taken.* from (select 1) as one
    left join inserted on true left join taken on true`;

/** The values of USER_COLUMNS, in order, for a new person. */
function userValues(tenantId: string, user: UserRecord): unknown[] {
  return [
    tenantId,
    user.id,
    user.userName,
    user.userNameFold,
    user.externalId,
    user.displayNameFold,
    user.active ? 1 : 0,
    JSON.stringify(user.document),
    user.version,
    user.createdMs,
    user.modifiedMs,
    user.source,
    user.employeeNumber,
    user.managerId,
    user.missing.join(','),
    user.searchText,
    user.nameKey,
  ];
}

const INSERT_ONE_EMAIL = 'insert into user_emails (tenant_id, user_id, position, value, value_fold, type, is_primary) values (?, ?, ?, ?, ?, ?, ?)';

export function toStoredUser(row: UserRow): StoredUser {
  return {
    id: row.id,
    userName: row.user_name,
    userNameFold: row.user_name_fold,
    externalId: row.external_id,
    displayNameFold: row.display_name_fold,
    active: Number(row.active) === 1,
    document: parseDocument(row.data),
    version: Number(row.version),
    createdMs: Number(row.created_ms),
    modifiedMs: Number(row.modified_ms),
    source: row.source as UserSource,
    employeeNumber: row.employee_number,
    managerId: row.manager_id,
    missing: row.missing === '' ? [] : row.missing.split(','),
  };
}

/** Field → column map for people (lower-case paths); everything else is read from the JSON document. */
function userColumnMap(alias: string): Record<string, ColumnMapping> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return {
    id: { expression: col('id') },
    username: { expression: col('user_name'), folded: col('user_name_fold'), notNull: true },
    externalid: { expression: col('external_id') },
    displayname: { expression: col('display_name_fold'), folded: col('display_name_fold') },
    active: { expression: col('active'), storage: 'bool' },
    'meta.created': { expression: col('created_ms'), storage: 'ms' },
    'meta.lastmodified': { expression: col('modified_ms'), storage: 'ms', notNull: true },
    'meta.resourcetype': { expression: sql`'User'` },
    // Roster's own bookkeeping, reachable only from the admin and host APIs ('$' names are not SCIM attributes).
    $source: { expression: col('source') },
    $missing: { expression: col('missing') },
    $managerid: { expression: col('manager_id') },
  };
}

function userColumns(alias: string): (path: readonly string[]) => ColumnMapping | undefined {
  const columns = userColumnMap(alias);
  return (path) => columns[path.join('.').toLowerCase()];
}

/** A person's emails in user_emails (alias e); `valueFold` is the folded value as the placement needs it. */
function emailColumns(valueFold: RawBuilder<unknown>): Record<string, ColumnMapping> {
  return {
    value: { expression: sql.ref('e.value'), folded: valueFold },
    type: { expression: sql.ref('e.type') },
    primary: { expression: sql.ref('e.is_primary'), storage: 'bool' },
  };
}

/** A person's folders in folder_members joined to folders (aliases fm, ff): Roster's own, not SCIM. */
const folderColumns: Record<string, ColumnMapping> = {
  value: { expression: sql.ref('fm.folder_id') },
  kind: { expression: sql.ref('ff.kind') },
  display: { expression: sql.ref('ff.value'), folded: sql.ref('ff.value_fold') },
};

/** A person's direct groups in group_members joined to groups (aliases gm, gg). */
const groupColumns: Record<string, ColumnMapping> = {
  value: { expression: sql.ref('gm.group_id') },
  display: { expression: sql.ref('gg.display_name'), folded: sql.ref('gg.display_name_fold') },
  type: { expression: sql`'direct'` },
};

/** Where a field or collection of a table is kept, by lower-case path: held to the schema registry by column-map.test.ts. */
export interface StorageMap {
  /** Fields kept in columns of the table itself. */
  readonly columns: readonly string[];
  /** Multi-valued attributes kept in tables of their own, with the element fields those map. */
  readonly collections: Readonly<Record<string, readonly string[]>>;
}

/** People's storage map: which filterable and sortable fields run on columns and child tables. */
export const USER_STORAGE_MAP: StorageMap = {
  columns: Object.keys(userColumnMap('u')),
  collections: { emails: Object.keys(emailColumns(sql`null`)), groups: Object.keys(groupColumns), $folders: Object.keys(folderColumns) },
};

/** Rows of another table that belong to one outer row: `tenant` and `id` there equal the outer row's. */
export interface ChildRows {
  /** The outer row's tenant and id columns (u.tenant_id, u.id). */
  readonly outerTenant: RawBuilder<unknown>;
  readonly outerId: RawBuilder<unknown>;
  /** The child table (with any join), and its columns naming the tenant and the outer row. */
  readonly from: RawBuilder<unknown>;
  readonly tenant: RawBuilder<unknown>;
  readonly id: RawBuilder<unknown>;
  /** The condition on one child row. */
  readonly where: RawBuilder<unknown>;
}

/** Whether `semiJoin` makes a sub-query SQLite runs once (else it is correlated with the outer row). */
export function runsOnce(dialect: SqlDialect, placement: Placement): boolean {
  return dialect.engine === 'sqlite' && !placement.negated && (placement.tenantId !== undefined || placement.conjunct);
}

/**
 * "Some child row matches", in the form each engine runs in bounded time wherever it sits.
 *
 * PostgreSQL turns a correlated EXISTS into a semi-join (NOT EXISTS into an anti-join), or hashes
 * it under `or`, and runs a correlated IN once per outer row, so it always gets EXISTS. SQLite
 * runs any correlated sub-query once per outer row. Where a match is wanted it gets
 * `id IN (sub-query)` bound to the tenant as a value: run once, then either the outer rows are
 * looked up by id (also as one branch of an `or` over indexes) or each is tested against the
 * result. Under `not` it gets NOT EXISTS correlated on (tenant, id), which every child table has
 * an index leading with, so each outer row costs one index search over its own children and a
 * page can stop at its LIMIT. (The correlated IN it had there took 67 s for
 * `not (emails.type eq "work")` at 4,661 people: a pass over the tenant's emails per person.)
 */
export function semiJoin(dialect: SqlDialect, rows: ChildRows, placement: Placement): RawBuilder<boolean> {
  if (runsOnce(dialect, placement)) {
    // Without the tenant's value (conjunct only) the sub-query stays correlated, yet SQLite still runs it once when it looks the outer rows up from it.
    const tenant = placement.tenantId ?? rows.outerTenant;
    return sql<boolean>`${rows.outerId} in (select ${rows.id} from ${rows.from} where ${rows.tenant} = ${tenant} and ${rows.where})`;
  }
  // The tenant as a value where it is known: PostgreSQL may hash the sub-query (run once) instead,
  // and then the tenant keeps it to the tenant's rows.
  const tenant = placement.tenantId ?? rows.outerTenant;
  return sql<boolean>`exists (select 1 from ${rows.from} where ${rows.tenant} = ${tenant} and ${rows.id} = ${rows.outerId} and ${rows.where})`;
}

/** The condition scope of the users table: emails and groups live in their own tables. */
export function userScope(dialect: SqlDialect, alias = 'u'): ConditionScope {
  const ref = (name: string) => sql.ref(`${alias}.${name}`);
  return {
    dialect,
    document: ref('data'),
    column: userColumns(alias),
    collection(path, element, placement) {
      const name = path.join('.').toLowerCase();
      const owned = (from: RawBuilder<unknown>, tenant: string, id: string, where: RawBuilder<unknown>) =>
        semiJoin(dialect, { outerTenant: ref('tenant_id'), outerId: ref('id'), from, tenant: sql.ref(tenant), id: sql.ref(id), where }, placement);
      if (name === 'emails') {
        // A correlated sub-query must search the person's own emails by (tenant, user): on SQLite the
        // unary `+` keeps the planner off the value index, which costs a search per person for a
        // value many people share.
        const valueFold = dialect.engine === 'sqlite' && !runsOnce(dialect, placement) ? sql`+e.value_fold` : sql.ref('e.value_fold');
        const columns = emailColumns(valueFold);
        let unmapped = false;
        const inner = element({
          dialect,
          document: sql`null`,
          column: (p) => {
            const m = columns[p.join('.').toLowerCase()];
            if (!m) unmapped = true;
            return m;
          },
        });
        if (unmapped) return undefined; // e.g. `display`: fall back to the JSON array
        return owned(sql`user_emails e`, 'e.tenant_id', 'e.user_id', inner);
      }
      if (name === '$folders') {
        const inner = element({ dialect, document: sql`null`, column: (p) => folderColumns[p.join('.').toLowerCase()] });
        const from = sql`folder_members fm join folders ff on ff.tenant_id = fm.tenant_id and ff.id = fm.folder_id`;
        return owned(from, 'fm.tenant_id', 'fm.user_id', inner);
      }
      if (name === 'groups') {
        const inner = element({ dialect, document: sql`null`, column: (p) => groupColumns[p.join('.').toLowerCase()] });
        const from = sql`group_members gm join groups gg on gg.tenant_id = gm.tenant_id and gg.id = gm.group_id`;
        return owned(from, 'gm.tenant_id', 'gm.member_id', inner);
      }
      return undefined;
    },
    narrowing: (condition, tenantId) => {
      const folded = searchedSubstring(dialect, condition, userColumns(alias));
      return folded === undefined ? undefined : searchTextHolds(dialect, tenantId, folded, alias);
    },
  };
}

/** Fields whose folded value is in the search text (search-text.ts), by lower-case path: a column of their own, folded in TypeScript. */
const SEARCHED_COLUMNS = new Set(['username', 'displayname']);
/** Fields of the document in the search text: folded by the same foldText on SQLite (roster_fold), not by PostgreSQL's lower(). */
const SEARCHED_DOCUMENT_FIELDS = new Set(['title', 'name.givenname', 'name.familyname', 'name.formatted']);

/**
 * The folded text a substring test (`co`, `sw`, `ew`, case-insensitive) needs to find in a field the
 * search text holds, or undefined: then the text index cannot narrow it. For `emails.value` the test
 * is the collection's own (`emails.value co "…"`, `emails[value ew "…"]`).
 */
function searchedSubstring(dialect: SqlDialect, condition: Condition, columns: (path: readonly string[]) => ColumnMapping | undefined): string | undefined {
  const substring = (c: Condition): string | undefined =>
    c.kind === 'compare' && (c.op === 'co' || c.op === 'sw' || c.op === 'ew') && typeof c.value === 'string' && !c.field.caseExact ? foldText(c.value) : undefined;
  if (condition.kind === 'any') {
    const inner = condition.condition;
    const collection = condition.collection.join('.').toLowerCase();
    return collection === 'emails' && inner.kind === 'compare' && inner.field.path.join('.').toLowerCase() === 'value' ? substring(inner) : undefined;
  }
  if (condition.kind !== 'compare') return undefined;
  const path = condition.field.path.join('.').toLowerCase();
  const folded = SEARCHED_COLUMNS.has(path) && columns(condition.field.path)?.folded !== undefined;
  const viaRosterFold = dialect.engine === 'sqlite' && SEARCHED_DOCUMENT_FIELDS.has(path) && columns(condition.field.path) === undefined;
  return folded || viaRosterFold ? substring(condition) : undefined;
}

const listableUsers = new WeakMap<SqlDialect, ListableTable>();

/** How `listPage` lists people on this dialect. */
export function usersListable(dialect: SqlDialect): ListableTable {
  return cachedPerDialect(listableUsers, dialect, () => {
    const scope = userScope(dialect);
    return {
      table: 'users',
      alias: 'u',
      scope,
      sortExpression: (query) => sortExpressionFor(scope, query),
      search: (tenantId, text) => peopleSearchCondition(dialect, tenantId, text),
      searchSource: (tenantId, text) => peopleSearchSource(dialect, tenantId, text),
      denseSearch: (text) => peopleSearchDense(dialect, text),
    };
  });
}

/** One value per dialect, built on first use: scopes are pure functions of the dialect. */
export function cachedPerDialect<T>(cache: WeakMap<SqlDialect, T>, dialect: SqlDialect, build: () => T): T {
  let value = cache.get(dialect);
  if (value === undefined) {
    value = build();
    cache.set(dialect, value);
  }
  return value;
}

const groupsColumns = new WeakMap<SqlDialect, { column: RawBuilder<unknown>; join: RawBuilder<unknown> }>();

/**
 * A person's direct groups as one more column of a query over `users u`: a lookup then costs one
 * statement instead of two (on PostgreSQL, one network round trip fewer).
 */
export function groupsColumnFor(dialect: SqlDialect): { column: RawBuilder<unknown>; join: RawBuilder<unknown> } {
  const groups = dialect.jsonArrayOfIdAndName(sql.ref('g.id'), sql.ref('g.display_name'), sql`${sql.ref('g.display_name_fold')}, ${sql.ref('g.id')}`);
  return dialect.correlated(
    sql`select ${groups} as value from group_members gm join groups g on g.tenant_id = gm.tenant_id and g.id = gm.group_id
      where gm.tenant_id = u.tenant_id and gm.member_id = u.id`,
    'groups_json',
  );
}

/** The groups column as the driver hands it over: JSON text (SQLite) or already parsed (PostgreSQL). */
function parseGroupsColumn(value: unknown): UserGroupRecord[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) throw new Error('groups column is not a JSON array');
  return parsed.map((item: unknown) => {
    const { id, displayName } = (item ?? {}) as { id?: unknown; displayName?: unknown };
    if (typeof id !== 'string' || typeof displayName !== 'string') throw new Error('groups column holds an element without id and displayName');
    return { groupId: id, displayName };
  });
}

/** People of one tenant, on either engine. */
export class SqlUserRepository implements UserRepository {
  private readonly listable: ListableTable;

  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {
    this.listable = usersListable(dialect);
  }

  async findById(id: string, options?: { forUpdate?: boolean }): Promise<StoredUser | undefined> {
    let q = this.db.selectFrom('users').selectAll().where('tenant_id', '=', this.tenantId).where('id', '=', id);
    if (options?.forUpdate && this.dialect.engine === 'postgres') q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? toStoredUser(row) : undefined;
  }

  async findByIdWithGroups(id: string): Promise<UserWithGroups | undefined> {
    const groups = this.groupsColumn();
    const { rows } = await sql<UserRow & { groups_json: unknown }>`select u.*, ${groups.column} from users u ${groups.join}
      where u.tenant_id = ${this.tenantId} and u.id = ${id}`.execute(this.db);
    const row = rows[0];
    return row ? { user: toStoredUser(row), groups: parseGroupsColumn(row.groups_json) } : undefined;
  }

  private groupsColumn(): { column: RawBuilder<unknown>; join: RawBuilder<unknown> } {
    return cachedPerDialect(groupsColumns, this.dialect, () => groupsColumnFor(this.dialect));
  }

  async findByUserNameFold(userNameFold: string): Promise<StoredUser | undefined> {
    const [row] = await rawQuery<UserRow>(this.db, this.dialect.engine, 'select * from users where tenant_id = ? and user_name_fold = ?', [this.tenantId, userNameFold]);
    return row ? toStoredUser(row) : undefined;
  }

  async insert(user: UserRecord): Promise<boolean> {
    if (this.dialect.engine === 'postgres') return (await this.insertTakingReferences(user, [])) !== undefined;
    const inserted = await rawQuery<{ id: string }>(this.db, 'sqlite', INSERT_USER, userValues(this.tenantId, user));
    if (inserted.length === 0) return false;
    if (user.emails.length === 1) {
      const [email] = user.emails;
      await rawQuery(this.db, 'sqlite', INSERT_ONE_EMAIL, [this.tenantId, user.id, 0, email!.value, email!.valueFold, email!.type, email!.primary ? 1 : 0]);
    } else await this.insertEmails(user);
    return true;
  }

  async insertTakingReferences(user: UserRecord, referenceFolds: readonly string[]): Promise<PendingReferenceRecord[] | undefined> {
    if (this.dialect.engine !== 'postgres') {
      // No round trips to save on SQLite: the two steps, in the caller's transaction.
      if (!(await this.insert(user))) return undefined;
      return new SqlPendingReferenceRepository(this.db, this.dialect, this.tenantId).takeMatching(referenceFolds);
    }
    const rows = await executeCompiled<TakenRow>(this.db, 'postgres', INSERT_USER_TAKING_REFERENCES_PG, [
      ...userValues(this.tenantId, user),
      JSON.stringify(user.emails.map((e) => [e.value, e.valueFold, e.type, e.primary ? 1 : 0])),
      referenceFolds,
    ]);
    if (rows[0]?.inserted_id == null) return undefined;
    return oldestFirst(rows.filter((row) => row.subject_id !== null).map((row) => toPending(row as PendingReferencesTable)));
  }

  async update(user: UserRecord, options: { emailsChanged: boolean }): Promise<boolean> {
    try {
      await this.db.updateTable('users').set(this.columns(user)).where('tenant_id', '=', this.tenantId).where('id', '=', user.id).execute();
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    if (options.emailsChanged) {
      await this.db.deleteFrom('user_emails').where('tenant_id', '=', this.tenantId).where('user_id', '=', user.id).execute();
      await this.insertEmails(user);
    }
    return true;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('tenant_id', '=', this.tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async list(query: ListQuery): Promise<ListResult<StoredUser>> {
    const page = await listPage<UserRow & { id: string }>(this.db, this.tenantId, this.listable, query);
    return { ...page, rows: page.rows.map(toStoredUser) };
  }

  async listWithGroups(query: ListQuery): Promise<ListResult<UserWithGroups>> {
    const page = await listPage<UserRow & { id: string; groups_json: unknown }>(this.db, this.tenantId, this.listable, query, this.groupsColumn());
    return { ...page, rows: page.rows.map((row) => ({ user: toStoredUser(row), groups: parseGroupsColumn(row.groups_json) })) };
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', this.tenantId)
      .where(this.dialect.inList(sql.ref('id'), ids))
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  async findByReference(reference: string, referenceFold: string): Promise<StoredUser[]> {
    const { rows } = await sql<UserRow>`select u.* from users u where u.tenant_id = ${this.tenantId} and (
        u.id = ${reference} or u.user_name_fold = ${referenceFold} or u.external_id = ${reference} or u.employee_number = ${reference}
        or exists (select 1 from user_emails e where e.tenant_id = u.tenant_id and e.user_id = u.id and e.value_fold = ${referenceFold}))
      order by u.id`.execute(this.db);
    return rows.map(toStoredUser);
  }

  async findByEmailFold(emailFold: string): Promise<StoredUser[]> {
    const { rows } = await sql<UserRow>`select u.* from users u where u.tenant_id = ${this.tenantId}
      and exists (select 1 from user_emails e where e.tenant_id = u.tenant_id and e.user_id = u.id and e.value_fold = ${emailFold})
      order by u.id`.execute(this.db);
    return rows.map(toStoredUser);
  }

  async findByExternalId(externalId: string): Promise<StoredUser[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', this.tenantId).where('external_id', '=', externalId).orderBy('id').execute();
    return rows.map(toStoredUser);
  }

  async setManager(userIds: readonly string[], managerId: string | null): Promise<void> {
    if (userIds.length === 0) return;
    await this.db
      .updateTable('users')
      .set({ manager_id: managerId })
      .where('tenant_id', '=', this.tenantId)
      .where(this.dialect.inList(sql.ref('id'), userIds))
      .execute();
  }

  async reportsOf(managerId: string): Promise<StoredUser[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('tenant_id', '=', this.tenantId).where('manager_id', '=', managerId).orderBy('id').execute();
    return rows.map(toStoredUser);
  }

  async groupsOf(userIds: readonly string[]): Promise<Map<string, UserGroupRecord[]>> {
    if (userIds.length === 0) return new Map();
    const groups = this.groupsColumn();
    const { rows } = await sql<{ id: string; groups_json: unknown }>`select u.id, ${groups.column} from users u ${groups.join}
      where u.tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('u.id'), userIds)}`.execute(this.db);
    return new Map(rows.map((row) => [row.id, parseGroupsColumn(row.groups_json)]));
  }

  private columns(user: UserRecord) {
    return {
      user_name: user.userName,
      user_name_fold: user.userNameFold,
      external_id: user.externalId,
      display_name_fold: user.displayNameFold,
      active: user.active ? 1 : 0,
      data: this.dialect.documentParam(JSON.stringify(user.document)) as RawBuilder<string>,
      version: user.version,
      modified_ms: user.modifiedMs,
      source: user.source,
      employee_number: user.employeeNumber,
      manager_id: user.managerId,
      missing: user.missing.join(','),
      search_text: user.searchText,
      name_key: user.nameKey,
    };
  }

  private async insertEmails(user: UserRecord): Promise<void> {
    // In batches: seven parameters a row, and SQLite allows 32,766 parameters per statement.
    for (let start = 0; start < user.emails.length; start += EMAIL_ROWS_PER_STATEMENT) {
      await this.insertEmailBatch(user, start, user.emails.slice(start, start + EMAIL_ROWS_PER_STATEMENT));
    }
  }

  private async insertEmailBatch(user: UserRecord, offset: number, emails: UserRecord['emails']): Promise<void> {
    await this.db
      .insertInto('user_emails')
      .values(
        emails.map((email, index) => ({
          tenant_id: this.tenantId,
          user_id: user.id,
          position: offset + index,
          value: email.value,
          value_fold: email.valueFold,
          type: email.type,
          is_primary: email.primary ? 1 : 0,
        })),
      )
      .execute();
  }
}
