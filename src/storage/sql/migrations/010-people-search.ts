import { sql, type Kysely, type Migration } from 'kysely';
import { userSearchText } from '../../search-text.js';
import type { Engine } from '../engine.js';
import { parseDocument } from '../users.repo.js';

/** People filled in per statement while backfilling `search_text`. */
const BACKFILL_BATCH = 1000;

/**
 * The people search on text indexes (docs/decisions/0012-people-search-text-indexes.md).
 *
 * - `users.search_text`: the folded text the search looks inside (search-text.ts), written with
 *   every person and backfilled here in batches.
 * - SQLite: an FTS5 table with the trigram tokenizer. `users` has no INTEGER PRIMARY KEY, so its
 *   rowid may change on VACUUM; `user_search_keys` gives each person a key that does not, and the
 *   FTS row is stored under that key. Triggers on `users` keep both in step in the writing
 *   statement's own transaction, for every write path, including the cascade of a tenant's deletion.
 * - PostgreSQL: a GIN index with pg_trgm's operator class, which answers `like '%…%'`. The
 *   extension is created in `public` (or used where it already is), never in Roster's own schema:
 *   dropping that schema must not take the extension, and every other schema's index, with it.
 *   Where it cannot be created (no privilege), the migration still succeeds without the index and
 *   the search scans (docs/operations.md).
 */
export function peopleSearchMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (engine === 'postgres') {
        await upPostgres(db);
        return;
      }
      // Kysely runs SQLite migrations outside a transaction: this one is all or nothing.
      await db.transaction().execute(upSqlite);
    },
  };
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column search_text text not null default ''`.execute(db);
  await backfill(db, 'sqlite');
  await sql`create table user_search_keys (
      key integer primary key,
      tenant_id text not null,
      user_id text not null,
      unique (tenant_id, user_id))`.execute(db);
  // The text is folded in TypeScript already (case_sensitive 1 keeps it as written); the FTS table
  // holds no copy of it (content ''), and contentless_delete lets a trigger delete a row by key.
  await sql`create virtual table user_search using fts5(search_text,
      tokenize = 'trigram case_sensitive 1', content = '', contentless_delete = 1)`.execute(db);
  await sql`insert into user_search_keys (tenant_id, user_id) select tenant_id, id from users order by tenant_id, created_ms, id`.execute(db);
  await sql`insert into user_search (rowid, search_text)
      select k.key, u.search_text from user_search_keys k join users u on u.tenant_id = k.tenant_id and u.id = k.user_id`.execute(db);
  await sql`create trigger users_search_insert after insert on users begin
      insert into user_search_keys (tenant_id, user_id) values (new.tenant_id, new.id);
      insert into user_search (rowid, search_text)
        values ((select key from user_search_keys where tenant_id = new.tenant_id and user_id = new.id), new.search_text);
    end`.execute(db);
  await sql`create trigger users_search_update after update of search_text on users
    when old.search_text is not new.search_text begin
      delete from user_search where rowid = (select key from user_search_keys where tenant_id = old.tenant_id and user_id = old.id);
      insert into user_search (rowid, search_text)
        values ((select key from user_search_keys where tenant_id = new.tenant_id and user_id = new.id), new.search_text);
    end`.execute(db);
  await sql`create trigger users_search_delete after delete on users begin
      delete from user_search where rowid = (select key from user_search_keys where tenant_id = old.tenant_id and user_id = old.id);
      delete from user_search_keys where tenant_id = old.tenant_id and user_id = old.id;
    end`.execute(db);
}

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  const trigramSchema = await ensurePgTrgm(db);
  await sql`alter table users add column search_text text not null default ''`.execute(db);
  await backfill(db, 'postgres');
  if (trigramSchema === undefined) return;
  await sql`create index users_search_text on users using gin (search_text ${sql.id(trigramSchema)}.gin_trgm_ops)`.execute(db);
}

/**
 * The schema pg_trgm is installed in, creating it in `public` when it is missing; undefined when it
 * cannot be created. Parallel migrations may both try to create it: the loser's unique violation on
 * pg_extension is caught (inside a savepoint, so the migration's transaction goes on) and the
 * catalogue read again.
 */
async function ensurePgTrgm(db: Kysely<unknown>): Promise<string | undefined> {
  const installed = async () => {
    const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e
      join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm'`.execute(db);
    return rows[0]?.schema;
  };
  const existing = await installed();
  if (existing !== undefined) return existing;
  await sql`savepoint roster_pg_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm with schema public`.execute(db);
    await sql`release savepoint roster_pg_trgm`.execute(db);
  } catch (error) {
    await sql`rollback to savepoint roster_pg_trgm`.execute(db);
    const now = await installed();
    if (now !== undefined) return now;
    process.emitWarning(
      `pg_trgm could not be created (${error instanceof Error ? error.message : String(error)}): the people search works without a trigram index and scans; see docs/operations.md`,
      { code: 'ROSTER_NO_PG_TRGM' },
    );
    return undefined;
  }
  return installed();
}

/** Computes `search_text` for every existing person, a batch per statement, in (tenant, id) order. */
async function backfill(db: Kysely<unknown>, engine: Engine): Promise<void> {
  let after: { tenantId: string; id: string } | undefined;
  for (;;) {
    const position = after ? sql`where (tenant_id, id) > (${after.tenantId}, ${after.id})` : sql``;
    const { rows } = await sql<{ tenant_id: string; id: string; data: unknown }>`select tenant_id, id, data from users ${position}
      order by tenant_id, id limit ${BACKFILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    const values = rows.map((row) => [row.tenant_id, row.id, userSearchText(parseDocument(row.data))]);
    if (engine === 'postgres') {
      await sql`update users u set search_text = v.search_text
        from unnest(${values.map((v) => v[0])}::text[], ${values.map((v) => v[1])}::text[], ${values.map((v) => v[2])}::text[]) as v(tenant_id, id, search_text)
        where u.tenant_id = v.tenant_id and u.id = v.id`.execute(db);
    } else {
      await sql`update users set search_text = v.value ->> 2 from json_each(${JSON.stringify(values)}) v
        where users.tenant_id = v.value ->> 0 and users.id = v.value ->> 1`.execute(db);
    }
    const last = rows[rows.length - 1]!;
    after = { tenantId: last.tenant_id, id: last.id };
  }
}
