#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner (Node 20 does not expand globs).
// PostgreSQL suites need the server on 127.0.0.1:5432; without it they are skipped, loudly, unless
// CI=true or ROSTER_REQUIRE_PG=1, where a missing server fails the run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const pgUrl = process.env.ROSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
async function postgresReachable() {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const requirePg = process.env.CI === 'true' || process.env.ROSTER_REQUIRE_PG === '1';
const pgUp = await postgresReachable();
// NODE_ENV=test: servers check every admin and host API answer against its declared schema.
const env = { ...process.env, NODE_ENV: 'test', ROSTER_TEST_PG_URL: pgUrl };
if (!pgUp) {
  if (requirePg) {
    console.error(`\nFAIL: PostgreSQL is required (CI) but not reachable at ${pgUrl}\n`);
    process.exit(1);
  }
  console.error('\n' + '!'.repeat(78));
  console.error(`!! PostgreSQL not reachable at ${pgUrl}:`);
  console.error('!! the PostgreSQL storage contract, protocol and conformance suites are SKIPPED.');
  console.error('!! Start PostgreSQL (or set ROSTER_TEST_PG_URL) to run them.');
  console.error('!'.repeat(78) + '\n');
  env.ROSTER_TEST_PG = 'off';
}

// The server imports the webhook verifier package (a workspace) through its compiled output, so
// that is brought up to date first: a few files, a second or two.
const verifier = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/webhook-verifier/tsconfig.build.json'], { stdio: 'inherit' });
if (verifier.status !== 0) {
  console.error('\nFAIL: packages/webhook-verifier does not compile\n');
  process.exit(1);
}

const only = process.argv.slice(2);
// A folder given on the command line stands for every *.test.ts under it (`npm run soak` passes one).
const files = (only.length > 0 ? only.flatMap((f) => (existsSync(f) && statSync(f).isDirectory() ? findTests(f) : [f])) : [...findTests('src'), ...findTests('packages'), ...findTests('test')]).sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { stdio: 'inherit', env },
);
process.exit(result.status ?? 1);
