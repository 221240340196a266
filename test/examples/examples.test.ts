/**
 * The two embedding examples, each started for real as the child process an adopter would run, on
 * SQLite and on a PostgreSQL database of its own: the host product's route makes a tenant, its
 * token and a host key through the package's API; a SCIM create sent through the host's prefix
 * comes back with locations under the prefix and shows in the host API; Roster's log lines go to
 * the host's logger; on SIGTERM the host stops Roster with it and the process exits by itself (a
 * timer or connection left behind would keep it alive).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { JsonObject } from '../../src/json/json-value.js';
import { postgresTestUrl, testEngines, type EngineName } from '../../src/testing/databases.js';
import { waitUntil } from '../../src/testing/wait-until.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const EXAMPLES = [
  { name: 'express', file: 'examples/express/server.ts', prefix: '/roster' },
  { name: 'fastify', file: 'examples/fastify/server.ts', prefix: '/scim-service' },
] as const;

/** A database for one example run: a SQLite file, or a PostgreSQL database of its own (so Roster's default schema can be checked). */
async function exampleDatabase(engine: EngineName): Promise<{ url: string; tablesBySchema(): Promise<Record<string, number>>; dispose(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-example-'));
    return { url: join(dir, 'app.db'), tablesBySchema: async () => ({}), dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `roster_example_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgresTestUrl();
  const run = async (text: string, url = admin) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query<{ schema: string; tables: number }>(text);
    } finally {
      await client.end();
    }
  };
  await run(`create database "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async tablesBySchema() {
      const result = await run(
        `select table_schema as schema, count(*)::int as tables from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') group by 1`,
        url.toString(),
      );
      return Object.fromEntries(result.rows.map((r) => [r.schema, r.tables]));
    },
    dispose: async () => void (await run(`drop database if exists "${name}" with (force)`)),
  };
}

/** Starts an example as `node --import tsx <file>`, with `roster-scim` resolved to this checkout's sources. */
function startExample(file: string, databaseUrl: string): { child: ChildProcess; output: () => string; origin: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, PUBLIC_URL: '', TSX_TSCONFIG_PATH: join(ROOT, 'examples', 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const origin = (async () => {
    await waitUntil(() => /listening (?:at|on) http:\/\/[\d.]+:\d+/i.test(output) || child.exitCode !== null, 'the example to listen', 180_000);
    const match = /listening (?:at|on) (http:\/\/[\d.]+:\d+)/i.exec(output);
    if (!match?.[1]) throw new Error(`the example exited before listening:\n${output}`);
    return match[1];
  })();
  return { child, output: () => output, origin };
}

for (const example of EXAMPLES) {
  for (const { engine, skip } of testEngines()) {
    describe(`examples/${example.name} on ${engine}`, { skip }, () => {
      let database: Awaited<ReturnType<typeof exampleDatabase>>;
      let running: ReturnType<typeof startExample>;
      let origin: string;

      before(async () => {
        database = await exampleDatabase(engine);
        running = startExample(example.file, database.url);
        origin = await running.origin;
      });
      after(async () => {
        if (running?.child.exitCode === null) {
          running.child.kill('SIGKILL');
          await once(running.child, 'exit');
        }
        await database?.dispose();
      });

      it('provisions a person through the host prefix and the host reads it back', async () => {
        const setup = await fetch(`${origin}/customers/acme/provisioning`, { method: 'POST' });
        assert.equal(setup.status, 201, running.output());
        const { scimBaseUrl, scimToken, hostKey } = (await setup.json()) as Record<string, string>;
        assert.equal(scimBaseUrl, `${origin}${example.prefix}/scim/v2/`);

        const created = await fetch(`${scimBaseUrl}Users`, {
          method: 'POST',
          headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify({ schemas: [USER], userName: 'ann@acme.example', name: { givenName: 'Ann', familyName: 'Lee' } }),
        });
        assert.equal(created.status, 201);
        const user = (await created.json()) as JsonObject;
        const location = `${origin}${example.prefix}/scim/v2/Users/${String(user['id'])}`;
        assert.equal((user['meta'] as JsonObject)['location'], location);
        assert.equal(created.headers.get('location'), location);

        const people = await fetch(`${origin}${example.prefix}/host/v1/tenants/acme/people`, { headers: { authorization: `Bearer ${hostKey}` } });
        assert.equal(people.status, 200);
        const listed = ((await people.json()) as { people: JsonObject[] }).people;
        assert.deepEqual(
          listed.map((p) => [p['id'], p['userName']]),
          [[user['id'], 'ann@acme.example']],
        );

        await waitUntil(() => /"component":"roster"/.test(running.output()), "Roster's lines in the host's log");
        if (engine === 'postgres') {
          const schemas = await database.tablesBySchema();
          assert.deepEqual(Object.keys(schemas), ['roster'], 'every Roster table in the schema "roster", none in the host\'s');
          assert.ok((schemas['roster'] ?? 0) > 10);
        }
      });

      it('stops with the host: the process exits by itself on SIGTERM', async () => {
        const exited = once(running.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
        running.child.kill('SIGTERM');
        const [code, signal] = await exited;
        assert.deepEqual({ code, signal }, { code: 0, signal: null }, running.output());
      });
    });
  }
}
