#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner (Node 20 does not expand globs).
// PostgreSQL suites need the server on 127.0.0.1:5432; without it they are skipped, loudly, unless
// CI=true or ROSTER_REQUIRE_PG=1, where a missing server fails the run.
// Output: the spec reporter as the tests run, then a summary of every failure (file, the suites'
// names down to the test, the assertion's message and where it was thrown) and the totals, so a
// failure in a long run is found without scrolling. The exit code is non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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
  console.error(`\n${'!'.repeat(78)}`);
  console.error(`!! PostgreSQL not reachable at ${pgUrl}:`);
  console.error('!! the PostgreSQL storage contract, protocol and conformance suites are SKIPPED.');
  console.error('!! Start PostgreSQL (or set ROSTER_TEST_PG_URL) to run them.');
  console.error(`${'!'.repeat(78)}\n`);
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
const files = (
  only.length > 0
    ? only.flatMap((f) => (existsSync(f) && statSync(f).isDirectory() ? findTests(f) : [f]))
    : [...findTests('src'), ...findTests('packages'), ...findTests('test')]
).sort();
const reportDir = mkdtempSync(join(tmpdir(), 'roster-tests-'));
const reportFile = join(reportDir, 'failures.jsonl');
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(import.meta.dirname, 'failure-reporter.mjs')}`,
    `--test-reporter-destination=${reportFile}`,
    ...files,
  ],
  { stdio: 'inherit', env },
);
const failed = printSummary(reportFile);
rmSync(reportDir, { recursive: true, force: true });
process.exit(result.status === 0 && failed === 0 ? 0 : result.status || 1);

/** Prints the failures and totals the failure reporter wrote; answers how many tests failed. */
function printSummary(path) {
  let lines = [];
  try {
    lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    console.error('\n(no test summary: the runner wrote no report)');
    return 0;
  }
  const failures = lines.filter((l) => l.kind === 'failure');
  const totals = lines.find((l) => l.kind === 'totals') ?? {};
  // Enough to act on in CI without burying the log: the first failures in full, then a count.
  const SHOWN = 25;
  const MESSAGE_LINES = 8;
  const out = ['', `${'─'.repeat(30)} summary ${'─'.repeat(30)}`];
  let lastFile;
  for (const failure of failures.slice(0, SHOWN)) {
    const file = failure.file.startsWith('/') ? relative(process.cwd(), failure.file) : failure.file;
    if (file !== lastFile) out.push('', `✖ ${file}`);
    lastFile = file;
    // A file that fails outside any test (an import, a top-level throw) is reported under its own path.
    const wholeFile = failure.path.length === 1 && failure.path[0] === failure.file;
    out.push(wholeFile ? '  (the file itself: it failed outside any test; its error is in the output above)' : `  ${failure.path.join(' › ')}`);
    const message = failure.message.split('\n');
    for (const line of message.slice(0, MESSAGE_LINES)) out.push(`      ${line}`);
    if (message.length > MESSAGE_LINES) out.push(`      … ${message.length - MESSAGE_LINES} more lines: see the spec output`);
    for (const frame of failure.frames) out.push(`      ${frame.replace(`${process.cwd()}/`, '')}`);
  }
  if (failures.length > SHOWN) out.push('', `… and ${failures.length - SHOWN} more failures (see the spec output above)`);
  const count = (name) => totals[name] ?? 0;
  const seconds = ((totals.duration_ms ?? 0) / 1000).toFixed(1);
  out.push(
    '',
    `${count('fail') > 0 || failures.length > 0 ? 'FAIL' : 'ok'}: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped, ${count('cancelled')} cancelled, ${count('todo')} todo — ${count('tests')} tests in ${count('suites')} suites, ${files.length} files, ${seconds} s`,
  );
  console.log(out.join('\n'));
  return Math.max(count('fail'), failures.length);
}
