import { fixtureDatabase, seedTenants } from './harness.js';
import { openPostgres } from '../../../src/storage/sql/dialects/postgres.js';
import { Migrator } from 'kysely';
import pg from 'pg';
const origQuery = pg.Client.prototype.query;
const log: string[] = [];
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
  const t = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
  log.push(String(t).slice(0, 200));
  return (origQuery as (...a: unknown[]) => unknown).apply(this, args);
};
for (let i = 0; i < 40; i++) {
  const db = await fixtureDatabase('postgres');
  try {
    await seedTenants(db.url, ['a']);
    log.length = 0;
    const d = await openPostgres({ url: db.url, poolSize: 2 });
    const { migrateToLatest } = await import('../../../src/storage/sql/migrations/index.js');
    try { await migrateToLatest(d.db, 'postgres', d.schema); } catch (e) { console.log(i, (e as Error).message); console.log(log.join('\n')); }
    await d.close();
  } catch (e) { console.log('outer', i, (e as Error).message); }
  await db.dispose();
}
console.log('done', Migrator.name);
