import type Database from 'better-sqlite3';

/**
 * What SQLite's planner should assume about Roster's tables until real statistics exist.
 *
 * Without statistics SQLite cannot tell a selective index from an unselective one, and for a list
 * query ordered by id it prefers walking the primary key in order (no sort) and testing every row
 * of the tenant: `externalId eq` took seconds in a tenant of 1,000,000 people. These rows describe
 * the shape every Roster database has — many people per tenant, userName, externalId, emails and
 * timestamps nearly unique, `active` and `missing` two-valued — in sqlite_stat1's format ("rows,
 * then rows per distinct prefix of the index's columns"). They are written only for tables that
 * have no statistics of their own, so an ANALYZE (or PRAGMA optimize) run by an operator wins.
 */
const ASSUMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  users: {
    sqlite_autoindex_users_1: '1000000 100000 1', // (tenant_id, id)
    sqlite_autoindex_users_2: '1000000 100000 1', // (tenant_id, user_name_fold)
    users_external_id: '1000000 100000 1',
    users_display_name: '1000000 100000 2',
    users_active: '1000000 100000 50000',
    users_created: '1000000 100000 1',
    users_modified: '1000000 100000 1',
    users_employee_number: '1000000 100000 1',
    users_manager: '1000000 100000 5',
    users_missing: '1000000 100000 50000',
    users_name_key: '1000000 100000 2 1', // (tenant_id, name_key, id)
    users_sort_name: '1000000 100000 2 1', // (tenant_id, coalesce(display_name_fold, ''), id)
    users_sort_user_name: '1000000 100000 1 1', // (tenant_id, user_name_fold, id)
    users_sort_modified: '1000000 100000 1 1', // (tenant_id, modified_ms, id)
  },
  user_emails: {
    sqlite_autoindex_user_emails_1: '1000000 100000 1 1', // (tenant_id, user_id, position)
    user_emails_value: '1000000 100000 2 1', // (tenant_id, value_fold, user_id)
  },
  groups: {
    sqlite_autoindex_groups_1: '10000 1000 1',
    sqlite_autoindex_groups_2: '10000 1000 1',
    groups_external_id: '10000 1000 1',
  },
  group_members: {
    sqlite_autoindex_group_members_1: '2000000 200000 100 1', // (tenant_id, group_id, member_id)
    group_members_member: '2000000 200000 2',
  },
  // A person is in at most one folder of each of the three kinds; a folder holds many people.
  // Without these rows a person's folders were found by reading every folder membership of the
  // tenant (the person page: 200 ms at 1,000,000 people).
  folders: {
    sqlite_autoindex_folders_1: '10000 1000 1', // (tenant_id, id)
    sqlite_autoindex_folders_2: '10000 1000 300 1', // (tenant_id, kind, value_fold)
  },
  folder_members: {
    sqlite_autoindex_folder_members_1: '3000000 300000 1000 1', // (tenant_id, folder_id, user_id)
    folder_members_user: '3000000 300000 3', // (tenant_id, user_id)
  },
};

/** Writes the assumed statistics where a table has none, and makes this connection use them. */
export function assumePlannerStatistics(database: Database.Database): void {
  const indexes = new Set(database.prepare("select name from sqlite_schema where type = 'index'").pluck().all() as string[]);
  database.exec('analyze sqlite_schema'); // creates sqlite_stat1 when missing; analysing the schema table is instant
  const hasStats = database.prepare('select count(*) from sqlite_stat1 where tbl = ?').pluck();
  const insert = database.prepare('insert into sqlite_stat1 (tbl, idx, stat) values (?, ?, ?)');
  let wrote = false;
  database.transaction(() => {
    for (const [table, byIndex] of Object.entries(ASSUMED)) {
      if (Number(hasStats.get(table)) > 0) continue;
      for (const [index, stat] of Object.entries(byIndex)) {
        if (!indexes.has(index)) continue; // a schema older or newer than this list: assume nothing about it
        insert.run(table, index, stat);
        wrote = true;
      }
    }
  })();
  // Statistics are read when the schema is loaded; this reloads them.
  if (wrote) database.exec('analyze sqlite_schema');
}
