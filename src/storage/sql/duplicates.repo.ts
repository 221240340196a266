import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DuplicateCursor, DuplicateDismissal, DuplicateReason, DuplicateRepository, DuplicateSet, StoredUser } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RosterDatabase, UsersTable } from './tables.js';
import { toStoredUser } from './users.repo.js';

/** What each reason groups: the indexed column that holds the key and the person it belongs to. */
const SOURCES: Record<DuplicateReason, { table: RawBuilder<unknown>; key: RawBuilder<unknown>; user: RawBuilder<unknown> }> = {
  email: { table: sql`user_emails s`, key: sql.ref('s.value_fold'), user: sql.ref('s.user_id') },
  name: { table: sql`users s`, key: sql.ref('s.name_key'), user: sql.ref('s.id') },
};

/**
 * Possible duplicates of one tenant. Every statement reads an index kept on write, in key order:
 * user_emails (tenant_id, value_fold, user_id) and users (tenant_id, name_key, id) — never the
 * people's documents — so a page costs the index entries walked, not a sort of the tenant.
 */
export class SqlDuplicateRepository implements DuplicateRepository {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
    private readonly tenantId: string,
  ) {}

  async sets(after: DuplicateCursor | undefined, limit: number): Promise<DuplicateSet[]> {
    const keys: { reason: DuplicateReason; key: string }[] = [];
    if (after === undefined || after.reason === 'email') {
      for (const key of await this.walk('email', after?.key ?? '', limit)) keys.push({ reason: 'email', key });
    }
    if (keys.length < limit) {
      const from = after?.reason === 'name' ? after.key : '';
      for (const key of await this.walk('name', from, limit - keys.length)) keys.push({ reason: 'name', key });
    }
    if (keys.length === 0) return [];
    const members = await this.membersOf(keys);
    const decided = await this.decidedAmong([...new Set([...members.values()].flat().map((u) => u.id))]);
    return keys.map(({ reason, key }) => {
      const users = members.get(`${reason}\u0000${key}`) ?? [];
      // A person stays in the set while some pair they are part of is undecided.
      const open = users.filter((u) => users.some((v) => v.id !== u.id && !decided.has(pairKey(u.id, v.id))));
      return { reason, key, users: open };
    });
  }

  async count(cap: number): Promise<{ sets: number; exact: boolean }> {
    const countBoth = async (db: Kysely<RosterDatabase>) => {
      let sets = 0;
      let exact = true;
      for (const reason of ['email', 'name'] as const) {
        const { rows } = await this.countQuery(reason, cap + 1).execute(db);
        const n = Number(rows[0]?.n ?? 0);
        if (n > cap) exact = false;
        sets += Math.min(n, cap);
      }
      return { sets, exact };
    };
    if (this.dialect.engine !== 'postgres') return countBoth(this.db);
    // The planner prices a count over every set of a tenant above jit_above_cost, and compiling
    // it took longer (about 40 ms) than running it over 20,000 index entries (docs/performance.md).
    const withoutJit = async (trx: Kysely<RosterDatabase>) => {
      await sql`set local jit = off`.execute(trx);
      return countBoth(trx);
    };
    return this.db.isTransaction ? withoutJit(this.db) : this.db.transaction().execute(withoutJit);
  }

  async dismiss(pairs: readonly DuplicateDismissal[]): Promise<number> {
    if (pairs.length === 0) return 0;
    const result = await this.db
      .insertInto('duplicate_dismissals')
      .values(pairs.map((p) => ({ tenant_id: this.tenantId, user_low: p.userLow, user_high: p.userHigh, decided_by: p.decidedBy, decided_ms: p.decidedMs })))
      .onConflict((c) => c.columns(['tenant_id', 'user_low', 'user_high']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  async undo(pairs: readonly { userLow: string; userHigh: string }[]): Promise<number> {
    if (pairs.length === 0) return 0;
    const result = await this.db
      .deleteFrom('duplicate_dismissals')
      .where('tenant_id', '=', this.tenantId)
      .where((eb) => eb.or(pairs.map((p) => eb.and([eb('user_low', '=', p.userLow), eb('user_high', '=', p.userHigh)]))))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The next keys of sets after `from`, walking the index in key order: a key makes a set when
   * two or more people share it and not every pair of them was decided "not a duplicate".
   */
  private async walk(reason: DuplicateReason, from: string, limit: number): Promise<string[]> {
    const { rows } = await this.walkQuery(reason, from, limit).execute(this.db);
    return rows.map((r) => r.k);
  }

  /** The statement of `walk` (public for the plan tests). */
  walkQuery(reason: DuplicateReason, from: string, limit: number): RawBuilder<{ k: string }> {
    const { table, key } = SOURCES[reason];
    return sql<{ k: string }>`select ${key} as k from ${table}
      where s.tenant_id = ${this.tenantId} and ${key} > ${from}
      group by ${key} having ${this.openSet(reason)} order by ${key} limit ${limit}`;
  }

  /** The sets of one reason, counting at most `limit` (public for the plan tests). */
  countQuery(reason: DuplicateReason, limit: number): RawBuilder<{ n: number | string }> {
    const { table, key } = SOURCES[reason];
    return sql<{ n: number | string }>`select count(*) as n from (select ${key} from ${table}
      where s.tenant_id = ${this.tenantId} and ${key} > ''
      group by ${key} having ${this.openSet(reason)} limit ${limit}) counted`;
  }

  /**
   * The HAVING condition of a set: two different people (min < max reads the index order; a
   * count(distinct …) per key cost PostgreSQL a sort per key), and more pairs among them than
   * decided pairs. Both counts are looked up only for keys shared by several people, from the
   * set's own index entries and the dismissals' primary key.
   */
  private openSet(reason: DuplicateReason): RawBuilder<boolean> {
    const { key, user } = SOURCES[reason];
    const members =
      reason === 'email'
        ? sql`from user_emails m where m.tenant_id = ${this.tenantId} and m.value_fold = ${key}`
        : sql`from users m where m.tenant_id = ${this.tenantId} and m.name_key = ${key}`;
    const memberId = reason === 'email' ? sql.ref('m.user_id') : sql.ref('m.id');
    const people = sql`count(distinct ${memberId})`;
    const inSet = (column: string) => sql`${sql.ref(column)} in (select ${memberId} ${members})`;
    return sql<boolean>`min(${user}) < max(${user})
      and (select ${people} * (${people} - 1) / 2 ${members}) > (select count(*) from duplicate_dismissals d
        where d.tenant_id = ${this.tenantId} and ${inSet('d.user_low')} and ${inSet('d.user_high')})`;
  }

  /** The people of a page's sets, in one statement, by set then id. */
  private async membersOf(keys: readonly { reason: DuplicateReason; key: string }[]): Promise<Map<string, StoredUser[]>> {
    const { rows } = await this.membersQuery(keys).execute(this.db);
    const members = new Map<string, StoredUser[]>();
    for (const row of rows) {
      const setKey = `${row.dup_reason}\u0000${row.dup_key}`;
      const list = members.get(setKey) ?? [];
      list.push(toStoredUser(row));
      members.set(setKey, list);
    }
    for (const list of members.values()) list.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    return members;
  }

  /** The statement of `membersOf` (public for the plan tests). */
  membersQuery(keys: readonly { reason: DuplicateReason; key: string }[]): RawBuilder<UsersTable & { dup_reason: DuplicateReason; dup_key: string }> {
    const emails = keys.filter((k) => k.reason === 'email').map((k) => k.key);
    const names = keys.filter((k) => k.reason === 'name').map((k) => k.key);
    const parts: RawBuilder<unknown>[] = [];
    if (emails.length > 0) {
      parts.push(sql`select 'email' as dup_reason, e.value_fold as dup_key, u.* from users u
        join (select distinct m.value_fold, m.user_id from user_emails m where m.tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('m.value_fold'), emails)}) e
          on u.id = e.user_id
        where u.tenant_id = ${this.tenantId}`);
    }
    if (names.length > 0) {
      parts.push(sql`select 'name' as dup_reason, u.name_key as dup_key, u.* from users u
        where u.tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('u.name_key'), names)}`);
    }
    // Unordered: sorting a page's people is the caller's (in memory), so the statement needs no sort.
    return sql<UsersTable & { dup_reason: DuplicateReason; dup_key: string }>`${sql.join(parts, sql` union all `)}`;
  }

  /** The decided pairs among these people. */
  private async decidedAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length < 2) return new Set();
    const rows = await this.db
      .selectFrom('duplicate_dismissals')
      .select(['user_low', 'user_high'])
      .where('tenant_id', '=', this.tenantId)
      .where(this.dialect.inList(sql.ref('user_low'), ids))
      .where(this.dialect.inList(sql.ref('user_high'), ids))
      .execute();
    return new Set(rows.map((r) => pairKey(r.user_low, r.user_high)));
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}
