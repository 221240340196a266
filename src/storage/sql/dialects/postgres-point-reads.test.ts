/**
 * PostgreSQL point reads: the reads of one event-loop turn go to PostgreSQL in one write on one
 * pipelined connection, a failing statement fails alone, and a broken connection is replaced.
 * Writes are counted on the connection's socket, so the count does not depend on timing.
 */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { postgresTestUrl, testEngines } from '../../../testing/databases.js';
import { waitUntil } from '../../../testing/wait-until.js';
import { PostgresPointReads } from './postgres-point-reads.js';
import { onSocketWrite } from './socket-writes.test-support.js';

const postgres = testEngines().find((e) => e.engine === 'postgres');

describe('PostgreSQL point reads on one pipelined connection', { skip: postgres?.skip ?? false }, () => {
  let writes = 0;
  const pids: number[] = [];
  let reads: PostgresPointReads;
  let admin: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: postgresTestUrl() });
    await admin.connect();
    reads = new PostgresPointReads(async () => {
      const client = new pg.Client({ connectionString: postgresTestUrl(), pipeline: true });
      await client.connect();
      pids.push(Number((await client.query('select pg_backend_pid() as pid')).rows[0]?.pid));
      onSocketWrite(client, () => writes++);
      return client;
    });
  });

  after(async () => {
    await reads.close();
    await admin.end();
  });

  it('writes the reads of one turn together, and answers each its own rows', async () => {
    await reads.run('select $1::int as n', [0]); // connected
    await nextTurn();
    writes = 0;
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => reads.run('select $1::int as n', [i])));
    assert.deepEqual(
      answers.map((rows) => rows),
      Array.from({ length: 8 }, (_, i) => [{ n: i }]),
    );
    assert.equal(writes, 1, 'eight reads, one write');

    writes = 0;
    await reads.run('select 1 as n', []);
    await nextTurn();
    await reads.run('select 2 as n', []);
    assert.equal(writes, 2, 'reads of different turns are not held for each other');
  });

  it('fails a failing statement alone', async () => {
    const outcomes = await Promise.allSettled([
      reads.run('select $1::int as n', [1]),
      reads.run('select $1::int as n', ['not a number']),
      reads.run('select $1::int as n', [3]),
    ]);
    assert.equal(outcomes[0]?.status, 'fulfilled');
    assert.equal(outcomes[1]?.status, 'rejected');
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /invalid input syntax for type integer/);
    assert.deepEqual(outcomes[2]?.status === 'fulfilled' ? outcomes[2].value : undefined, [{ n: 3 }]);
  });

  it('opens a new connection after PostgreSQL ends the one it had', async () => {
    const opened = reads.opened;
    const pid = pids.at(-1);
    await admin.query('select pg_terminate_backend($1)', [pid]);
    // The statement in flight when the connection drops fails; the next one gets a new connection.
    await waitUntil(
      async () =>
        await reads.run('select 1 as n', []).then(
          () => reads.opened > opened,
          () => false,
        ),
      'a read on a new connection',
      10_000,
    );
    assert.equal(reads.opened, opened + 1);
    assert.deepEqual(await reads.run('select $1::int as n', [7]), [{ n: 7 }]);
  });
});
