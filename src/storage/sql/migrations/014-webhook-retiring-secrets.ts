import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Every secret a rotation retires keeps signing until its own overlap ends: a JSON list of
 * `{ secret, untilMs }` beside the current secret. Before, one `previous_secret` column held only
 * the last one, so a second rotation within the overlap dropped the first without a word. The old
 * columns stay (never read again) so that going back a version loses nothing.
 */
export function webhookRetiringSecretsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('webhook_endpoints')
        .addColumn('retiring_secrets', 'text', (col) => col.notNull().defaultTo('[]'))
        .execute();
      const { rows } = await sql<{ id: string; previous_secret: string; previous_secret_until_ms: number | string }>`
        select id, previous_secret, previous_secret_until_ms from webhook_endpoints
        where previous_secret is not null and previous_secret_until_ms is not null`.execute(db);
      for (const row of rows) {
        const retiring = JSON.stringify([{ secret: row.previous_secret, untilMs: Number(row.previous_secret_until_ms) }]);
        await sql`update webhook_endpoints set retiring_secrets = ${retiring} where id = ${row.id}`.execute(db);
      }
    },
  };
}
