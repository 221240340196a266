import { sql, type Kysely, type RawBuilder } from 'kysely';
import { MEMBER_COUNT_CAP, type MemberCount } from '../store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { longRead } from './offloaded-reads.js';
import type { RosterDatabase } from './tables.js';

/** Where the members of a folder or of a group are: the owner table and its member table, keyed (tenant_id, owner, member). */
const SOURCES = {
  folder: { owners: sql.table('folders'), members: sql.table('folder_members'), owner: sql.ref('m.folder_id') },
  group: { owners: sql.table('groups'), members: sql.table('group_members'), owner: sql.ref('m.group_id') },
} as const;

/**
 * One statement that counts the members of each listed folder or group, each count stopping one
 * past `MEMBER_COUNT_CAP` on the member table's primary key (tenant, owner, member): at most
 * (cap + 1) index entries per owner, however large it is (plan in member-counts.test.ts).
 */
export function memberCountsQuery(
  dialect: SqlDialect,
  kind: keyof typeof SOURCES,
  tenantId: string,
  ownerIds: readonly string[],
): RawBuilder<{ id: string; n: number | string }> {
  const { owners, members, owner } = SOURCES[kind];
  return sql<{ id: string; n: number | string }>`select o.id, (select count(*) from (select 1 from ${members} m
      where m.tenant_id = o.tenant_id and ${owner} = o.id limit ${MEMBER_COUNT_CAP + 1}) capped) as n
    from ${owners} o where o.tenant_id = ${tenantId} and ${dialect.inList(sql.ref('o.id'), ownerIds)}`;
}

/**
 * Member counts up to the cap, each id present (0 when it names nothing). A long read: on SQLite it
 * runs on a read worker, on PostgreSQL on the read pool, so counting never holds the event loop.
 */
export async function cappedMemberCounts(
  db: Kysely<RosterDatabase>,
  dialect: SqlDialect,
  kind: keyof typeof SOURCES,
  tenantId: string,
  ownerIds: readonly string[],
): Promise<Map<string, MemberCount>> {
  const counts = new Map<string, MemberCount>(ownerIds.map((id) => [id, { count: 0, exact: true }]));
  if (ownerIds.length === 0) return counts;
  const rows = await longRead<{ id: string; n: number | string }>(db, dialect.engine, memberCountsQuery(dialect, kind, tenantId, ownerIds).compile(db));
  for (const row of rows) {
    const n = Number(row.n);
    counts.set(row.id, n > MEMBER_COUNT_CAP ? { count: MEMBER_COUNT_CAP, exact: false } : { count: n, exact: true });
  }
  return counts;
}
