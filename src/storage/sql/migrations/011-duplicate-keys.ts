import { sql, type Kysely, type Migration } from 'kysely';
import { personNameKey } from '../../name-key.js';
import type { Engine } from '../engine.js';
import { parseDocument } from '../users.repo.js';

const BACKFILL_BATCH = 1000;

/**
 * Possible duplicates from indexes kept on write, and the pairs decided not to be duplicates.
 *
 * - `users.name_key` (storage/name-key.ts) with an index (tenant_id, name_key, id): same-name sets are
 *   found by reading that index in key order, instead of computing the key from every person's
 *   document and sorting (seconds at 20,000 people, with SQLite's event loop blocked throughout).
 * - The email index gains user_id, so counting the distinct people behind an email reads the index only.
 * - `duplicate_dismissals`: one row per pair, removed with either person.
 */
export function duplicateKeysMigration(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('name_key', 'text').execute();
      await backfillNameKeys(db, engine);
      await db.schema.createIndex('users_name_key').on('users').columns(['tenant_id', 'name_key', 'id']).execute();

      await db.schema.dropIndex('user_emails_value').execute();
      await db.schema.createIndex('user_emails_value').on('user_emails').columns(['tenant_id', 'value_fold', 'user_id']).execute();

      await db.schema
        .createTable('duplicate_dismissals')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_low', 'text', (c) => c.notNull())
        .addColumn('user_high', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text', (c) => c.notNull())
        .addColumn('decided_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('duplicate_dismissals_pk', ['tenant_id', 'user_low', 'user_high'])
        .addForeignKeyConstraint('duplicate_dismissals_low', ['tenant_id', 'user_low'], 'users', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
        .addForeignKeyConstraint('duplicate_dismissals_high', ['tenant_id', 'user_high'], 'users', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
        .addCheckConstraint('duplicate_dismissals_ordered', sql`user_low < user_high`)
        .execute();
      // Deleting a person finds their decisions on either side by index.
      await db.schema.createIndex('duplicate_dismissals_high').on('duplicate_dismissals').columns(['tenant_id', 'user_high']).execute();
    },
  };
}

/** Fills name_key for existing people, a batch at a time in (tenant_id, id) order, one UPDATE per batch. */
async function backfillNameKeys(db: Kysely<unknown>, engine: Engine): Promise<void> {
  let after: { tenant_id: string; id: string } | undefined;
  for (;;) {
    const from = after ? sql`where (tenant_id > ${after.tenant_id} or (tenant_id = ${after.tenant_id} and id > ${after.id}))` : sql``;
    const { rows } = await sql<{ tenant_id: string; id: string; data: unknown }>`select tenant_id, id, data from users ${from}
      order by tenant_id, id limit ${BACKFILL_BATCH}`.execute(db);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!;
    const keyed = rows.flatMap((row) => {
      const key = personNameKey(parseDocument(row.data));
      return key === null ? [] : [{ t: row.tenant_id, i: row.id, k: key }];
    });
    if (keyed.length === 0) continue;
    const batch = JSON.stringify(keyed);
    if (engine === 'postgres') {
      await sql`update users u set name_key = v.k from jsonb_to_recordset(${batch}::jsonb) as v(t text, i text, k text)
        where u.tenant_id = v.t and u.id = v.i`.execute(db);
    } else {
      await sql`update users set name_key = j.value ->> '$.k' from json_each(${batch}) j
        where users.tenant_id = j.value ->> '$.t' and users.id = j.value ->> '$.i'`.execute(db);
    }
  }
}
