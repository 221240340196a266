import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, postgresTestUrl, testEngines } from '../../../testing/databases.js';
import { openStore } from '../../open-store.js';
import { parsePostgresUrl } from './postgres.js';

const postgres = testEngines().find((e) => e.engine === 'postgres');

describe('PostgreSQL URLs', () => {
  it('takes the schema and the URL’s own options off the connection string', () => {
    assert.deepEqual(parsePostgresUrl('postgres://u@h:5432/db?schema=s1&options=-c%20statement_timeout%3D5000&sslmode=disable'), {
      connectionString: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 's1',
      options: '-c statement_timeout=5000',
    });
    assert.deepEqual(parsePostgresUrl('postgres://u@h/db?options=-c%20x%3D1'), { connectionString: 'postgres://u@h/db?options=-c+x%3D1' });
  });

  it('keeps Roster’s tables in the named schema when the URL also sets options', { skip: postgres?.skip ?? false }, async () => {
    const database = await createTestDatabase('postgres');
    const schema = new URL(database.url).searchParams.get('schema') ?? '';
    const url = `${database.url}&options=${encodeURIComponent('-c statement_timeout=4321')}`;
    const store = await openStore({ databaseUrl: url, poolSize: 2 });
    try {
      const client = new pg.Client({ connectionString: postgresTestUrl() });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(`select count(*) as n from pg_tables where schemaname = $1 and tablename = 'users'`, [schema]);
        assert.equal(Number(rows[0]?.n), 1, 'the users table is in the named schema');
      } finally {
        await client.end();
      }
    } finally {
      await store.close();
      await database.dispose();
    }
  });
});
