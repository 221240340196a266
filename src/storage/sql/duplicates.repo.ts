import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DuplicateCursor, DuplicateDismissal, DuplicateReason, DuplicateRepository, DuplicateSet, StoredUser } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { longRead, readOffloadOn } from './offloaded-reads.js';
import type { RosterDatabase, UsersTable } from './tables.js';
import { toStoredUser } from './users.repo.js';

/** What each reason groups: the indexed column that holds the key and the person it belongs to. */
const SOURCES: Record<DuplicateReason, { table: RawBuilder<unknown>; key: RawBuilder<unknown>; user: RawBuilder<unknown> }> = {
  email: { table: sql`user_emails s`, key: sql.ref('s.value_fold'), user: sql.ref('s.user_id') },
  name: { table: sql`users s`, key: sql.ref('s.name_key'), user: sql.ref('s.id') },
};

/** How many index entries one statement may read: what bounds a request in a tenant of any size. */
export interface DuplicateBudget {
  /** Per reason, for a page's walk to its sets. */
  readonly pageEntries: number;
  /** Per reason, for the count. */
  readonly countEntries: number;
}

// Walking to the email sets read about 12,500 entries in 12–40 ms on SQLite (docs/performance.md).
// A page runs a walk per reason, its people and the count: 10,000 entries per walk and 20,000 for
// the count keep the whole page well inside the console's 300 ms at any tenant size; a larger
// tenant's sets are reached page by page, and its count says "at least".
const DEFAULT_BUDGET: DuplicateBudget = { pageEntries: 10_000, countEntries: 20_000 };

/**
 * People shown per set. A set is as large as the people who share a key: in a tenant of
 * 1,000,000, ten thousand "Ada Hopper"s; reading them all for a page of 25 sets took 12 s at
 * 20,000 people (bench/scale/hostile-reads.ts). A larger set says `more`, and the console links
 * to the people search for its key.
 */
export const PEOPLE_SHOWN_PER_SET = 20;

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
    private readonly budget: DuplicateBudget = DEFAULT_BUDGET,
  ) {}

  async page(after: DuplicateCursor | undefined, limit: number): Promise<{ sets: DuplicateSet[]; next: DuplicateCursor | null }> {
    // One set more than asked says whether there is a next page.
    const want = limit + 1;
    const keys: { reason: DuplicateReason; key: string }[] = [];
    let next: DuplicateCursor | null = null;
    for (const reason of after?.reason === 'name' ? (['name'] as const) : (['email', 'name'] as const)) {
      const from = after?.reason === reason ? after : { reason, key: '' };
      const walked = await this.walk(from, want - keys.length);
      keys.push(...walked.keys.map((key) => ({ reason, key })));
      if (keys.length >= want) break;
      if (walked.stoppedAt !== null) {
        // The budget ran out before the page was full: the next page starts where this one stopped.
        next = { reason, key: walked.stoppedAt, inclusive: true };
        break;
      }
    }
    if (keys.length > limit) {
      keys.length = limit;
      const last = keys[limit - 1]!;
      next = { reason: last.reason, key: last.key };
    }
    if (keys.length === 0) return { sets: [], next };
    const members = await this.membersOf(keys);
    const decided = await this.decidedAmong([...new Set([...members.values()].flat().map((u) => u.id))]);
    const sets = keys.map(({ reason, key }) => {
      const read = members.get(`${reason}\u0000${key}`) ?? [];
      const more = read.length > PEOPLE_SHOWN_PER_SET;
      const users = read.slice(0, PEOPLE_SHOWN_PER_SET);
      // A person stays in the set while some pair they are part of is undecided. In a set larger
      // than what is shown, the people not shown are undecided partners of everyone shown.
      const open = more ? users : users.filter((u) => users.some((v) => v.id !== u.id && !decided.has(pairKey(u.id, v.id))));
      return { reason, key, users: open, more };
    });
    return { sets, next };
  }

  async count(cap: number): Promise<{ sets: number; exact: boolean }> {
    const countBoth = async (db: Kysely<RosterDatabase>) => {
      let sets = 0;
      let exact = true;
      for (const reason of ['email', 'name'] as const) {
        const boundary = await this.boundary(db, { reason, key: '' }, this.budget.countEntries);
        const rows = await this.rows(this.countQuery(reason, boundary, cap + 1), db);
        const n = Number(rows[0]?.n ?? 0);
        if (n > cap || boundary !== null) exact = false;
        sets += Math.min(n, cap);
      }
      return { sets, exact };
    };
    // PostgreSQL's read pool, where long reads run when there is one, has JIT off for every read.
    if (this.dialect.engine !== 'postgres' || (!this.db.isTransaction && readOffloadOn(this.db))) return countBoth(this.db);
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
   * The next keys of sets from `from`, walking the index in key order: a key makes a set when
   * two or more people share it and not every pair of them was decided "not a duplicate". The walk
   * reads at most the budget's entries; `stoppedAt` is the first key it did not read (null when it
   * reached the end).
   */
  private async walk(from: DuplicateCursor, limit: number): Promise<{ keys: string[]; stoppedAt: string | null }> {
    const stoppedAt = await this.boundary(this.db, from, this.budget.pageEntries);
    const rows = await this.rows(this.walkQuery(from, stoppedAt, limit));
    return { keys: rows.map((r) => r.k), stoppedAt };
  }

  /** The key `entries` index entries on from `from`, or null when the index has no more: where a bounded walk stops. */
  private async boundary(db: Kysely<RosterDatabase>, from: DuplicateCursor, entries: number): Promise<string | null> {
    const rows = await this.rows(this.boundaryQuery(from, entries), db);
    return rows[0]?.k ?? null;
  }

  /**
   * Runs one of these reads where long reads run (SQLite's read workers, PostgreSQL's read pool,
   * under the read deadline), or on `db` itself inside a transaction.
   */
  private rows<R>(query: RawBuilder<R>, db: Kysely<RosterDatabase> = this.db): Promise<R[]> {
    return longRead<R>(db, this.dialect.engine, query.compile(db));
  }

  /** The statement of `boundary` (public for the plan tests). */
  boundaryQuery(from: DuplicateCursor, entries: number): RawBuilder<{ k: string }> {
    const { table, key } = SOURCES[from.reason];
    return sql<{ k: string }>`select ${key} as k from ${table}
      where s.tenant_id = ${this.tenantId} and ${this.range(from, null)} order by ${key} limit 1 offset ${entries}`;
  }

  /** The statement of `walk` (public for the plan tests). */
  walkQuery(from: DuplicateCursor, stopAt: string | null, limit: number): RawBuilder<{ k: string }> {
    const { table, key } = SOURCES[from.reason];
    return sql<{ k: string }>`select ${key} as k from ${table}
      where s.tenant_id = ${this.tenantId} and ${this.range(from, stopAt)}
      group by ${key} having ${this.openSet(from.reason)} order by ${key} limit ${limit}`;
  }

  /** The sets of one reason before `stopAt`, counting at most `limit` (public for the plan tests). */
  countQuery(reason: DuplicateReason, stopAt: string | null, limit: number): RawBuilder<{ n: number | string }> {
    const { table, key } = SOURCES[reason];
    return sql<{ n: number | string }>`select count(*) as n from (select ${key} from ${table}
      where s.tenant_id = ${this.tenantId} and ${this.range({ reason, key: '' }, stopAt)}
      group by ${key} having ${this.openSet(reason)} limit ${limit}) counted`;
  }

  /** Keys from the cursor (after it, or at it when inclusive) and before `stopAt`; never null ones ('' is below every key). */
  private range(from: DuplicateCursor, stopAt: string | null): RawBuilder<boolean> {
    const { key } = SOURCES[from.reason];
    const start = from.inclusive === true ? sql`${key} >= ${from.key}` : sql`${key} > ${from.key}`;
    return stopAt === null ? sql<boolean>`${start}` : sql<boolean>`${start} and ${key} < ${stopAt}`;
  }

  /**
   * The HAVING condition of a set: two different people (min < max reads the index order; a
   * count(distinct …) per key cost PostgreSQL a sort per key), and more pairs among them than
   * decided pairs. A name key belongs to one row per person, so the group's own count(*) is its
   * people; an email may repeat within a person, so its people are counted from the set's index
   * entries. The decided pairs are looked up only in a tenant that has decided any (an InitPlan,
   * evaluated once), from the dismissals' primary key.
   *
   * Why not a sub-query per set for the names too: PostgreSQL plans these per-set lookups with the
   * statistics it has, and while a tenant is being imported (its rows not yet analyzed) it took
   * the tenant's smallest index (users_missing) and filtered every person of the tenant for each
   * set: 2 s for 100 sets in a tenant of 60,000, so the console's duplicates page was refused all
   * through a /Bulk import.
   */
  private openSet(reason: DuplicateReason): RawBuilder<boolean> {
    const { key, user } = SOURCES[reason];
    const members =
      reason === 'email'
        ? sql`from user_emails m where m.tenant_id = ${this.tenantId} and m.value_fold = ${key}`
        : sql`from users m where m.tenant_id = ${this.tenantId} and m.name_key = ${key}`;
    const memberId = reason === 'email' ? sql.ref('m.user_id') : sql.ref('m.id');
    const people = reason === 'email' ? sql`(select count(distinct ${memberId}) ${members})` : sql`count(*)`;
    const inSet = (column: string) => sql`${sql.ref(column)} in (select ${memberId} ${members})`;
    return sql<boolean>`min(${user}) < max(${user})
      and (not exists (select 1 from duplicate_dismissals d0 where d0.tenant_id = ${this.tenantId})
        or ${people} * (${people} - 1) / 2 > (select count(*) from duplicate_dismissals d
          where d.tenant_id = ${this.tenantId} and ${inSet('d.user_low')} and ${inSet('d.user_high')}))`;
  }

  /** The first people of each of a page's sets (one more than shown: says whether there are more), in one statement. */
  private async membersOf(keys: readonly { reason: DuplicateReason; key: string }[]): Promise<Map<string, StoredUser[]>> {
    const rows = await this.rows(this.membersQuery(keys));
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

  /**
   * The statement of `membersOf` (public for the plan tests): for each key, the first
   * PEOPLE_SHOWN_PER_SET + 1 people by id, read from the key's own index entries, so a page costs
   * at most that many rows per set however many people share a key.
   */
  membersQuery(keys: readonly { reason: DuplicateReason; key: string }[]): RawBuilder<UsersTable & { dup_reason: DuplicateReason; dup_key: string }> {
    const take = PEOPLE_SHOWN_PER_SET + 1;
    const parts = keys.map(({ reason, key }) =>
      reason === 'email'
        ? sql`select 'email' as dup_reason, ${key} as dup_key, u.* from users u
            join (select distinct m.user_id from user_emails m where m.tenant_id = ${this.tenantId} and m.value_fold = ${key} order by m.user_id limit ${take}) e
              on u.id = e.user_id
            where u.tenant_id = ${this.tenantId}`
        : sql`select * from (select 'name' as dup_reason, u.name_key as dup_key, u.* from users u
            where u.tenant_id = ${this.tenantId} and u.name_key = ${key} order by u.id limit ${take}) n`,
    );
    // Unordered: sorting a page's people is the caller's (in memory), so the statement needs no sort.
    return sql<UsersTable & { dup_reason: DuplicateReason; dup_key: string }>`select * from (${sql.join(parts, sql` union all `)}) page_sets`;
  }

  /** The decided pairs among these people. */
  private async decidedAmong(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length < 2) return new Set();
    const rows = await this.rows(
      sql<{ user_low: string; user_high: string }>`select user_low, user_high from duplicate_dismissals
        where tenant_id = ${this.tenantId} and ${this.dialect.inList(sql.ref('user_low'), ids)} and ${this.dialect.inList(sql.ref('user_high'), ids)}`,
    );
    return new Set(rows.map((r) => pairKey(r.user_low, r.user_high)));
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}
