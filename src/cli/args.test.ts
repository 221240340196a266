import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ROSTER_VERSION } from '../app/version.js';
import { uuidv7 } from '../provisioning/runtime.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { userRecordFrom } from '../provisioning/users/user-record.js';
import { openStore } from '../storage/open-store.js';
import { closest } from './args.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function run(argv: string[]) {
  const c = capture();
  const code = await main(argv, c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

/** Every command and subcommand, as typed. */
const EVERY_COMMAND: string[][] = [
  [],
  ['serve'],
  ['doctor'],
  ['export'],
  ['import'],
  ['version'],
  ['tenant'],
  ['tenant', 'create'],
  ['tenant', 'list'],
  ['tenant', 'settings'],
  ['tenant', 'disable'],
  ['tenant', 'enable'],
  ['tenant', 'rename'],
  ['tenant', 'delete'],
  ['token'],
  ['token', 'create'],
  ['token', 'list'],
  ['token', 'revoke'],
  ['basic'],
  ['basic', 'create'],
  ['admin'],
  ['admin', 'create'],
  ['admin', 'list'],
  ['admin', 'disable'],
  ['admin', 'enable'],
  ['admin', 'remove'],
  ['admin', 'reset-password'],
  ['held'],
  ['held', 'list'],
  ['held', 'approve'],
  ['held', 'discard'],
  ['webhook'],
  ['webhook', 'add'],
  ['webhook', 'list'],
  ['webhook', 'remove'],
  ['webhook', 'rotate'],
  ['webhook', 'dead'],
  ['webhook', 'replay'],
  ['hostkey'],
  ['hostkey', 'create'],
  ['hostkey', 'list'],
  ['hostkey', 'revoke'],
];

describe('the command line', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-args-'));
    process.env.DATABASE_URL = join(dir, 'roster.db');
  });
  after(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers --help with usage on stdout and exit 0, on every command and subcommand', async () => {
    for (const words of EVERY_COMMAND) {
      if (words[0] === 'version') continue;
      const { code, out, err } = await run([...words, '--help']);
      assert.equal(code, 0, `roster ${words.join(' ')} --help → ${code}: ${err}`);
      assert.match(out, /roster/, `roster ${words.join(' ')} --help prints usage`);
      assert.equal(err, '');
      if (words.length === 2) assert.ok(out.includes(`roster ${words.join(' ')}`), `the usage of ${words.join(' ')} names it:\n${out}`);
    }
    assert.equal((await run(['help', 'tenant', 'delete'])).code, 0);
    assert.match((await run(['help', 'tenant', 'delete'])).out, /--yes/);
    assert.equal((await run(['tenant', 'delete', 'acme', '-h'])).code, 0);
  });

  it('prints its version', async () => {
    for (const argv of [['--version'], ['-V'], ['version']]) {
      const { code, out } = await run(argv);
      assert.equal(code, 0);
      assert.equal(out, `roster ${ROSTER_VERSION}`);
    }
    assert.equal(JSON.parse((await run(['version', '--json'])).out).version, ROSTER_VERSION);
    assert.equal((await run(['version', '--verbose'])).code, 2);
  });

  it('suggests what was meant for a mistyped command, subcommand or flag, with exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['tenat', 'list'], /unknown command tenat; did you mean tenant\?/],
      [['tenant', 'delte', 'acme'], /unknown subcommand `tenant delte`; did you mean delete\?/],
      [['admin', 'reset-pasword'], /did you mean reset-password\?/],
      [['webhook', 'rotat', 'x'], /did you mean rotate\?/],
      [['tenant', 'list', '--jsno'], /unknown option --jsno; did you mean --json\?/],
      [['tenant', 'list', '--databse-url', 'x'], /did you mean --database-url\?/],
      [['tenant', 'create', 'acme', '--nmae', 'Acme'], /did you mean --name\?/],
      [['--verison'], /unknown option --verison; did you mean --version\?/],
      [['export', 'acme', '--fromat', 'json'], /did you mean --format\?/],
      [['doctor', '--jsn'], /did you mean --json\?/],
    ];
    for (const [argv, expected] of cases) {
      const { code, err, out } = await run(argv);
      assert.equal(code, 2, `roster ${argv.join(' ')} → ${code}`);
      assert.match(err, expected);
      assert.match(err, /--help` for usage/);
      assert.equal(out, '');
    }
    assert.equal(closest('x', ['serve', 'tenant']), undefined, 'no wild guesses');
    const far = await run(['frobnicate']);
    assert.equal(far.code, 2);
    assert.doesNotMatch(far.err, /did you mean/);
  });

  it('explains missing arguments and values, and stray ones', async () => {
    const cases: [string[], RegExp][] = [
      [['tenant', 'create'], /needs a tenant slug/],
      [['tenant', 'create', 'acme', '--name'], /--name needs a value/],
      [['tenant', 'list', '--json=yes'], /--json is a switch and takes no value/],
      [['tenant', 'list', 'extra'], /unexpected argument "extra"/],
      [['admin', 'disable'], /needs --email E/],
      [['token', 'revoke', 'acme'], /needs a tenant slug and a credential id/],
      [['tenant'], /needs a subcommand: create, list/],
      [['export', 'acme', '--format', 'xml'], /--format is json or ndjson/],
    ];
    for (const [argv, expected] of cases) {
      const { code, err } = await run(argv);
      assert.equal(code, 2, `roster ${argv.join(' ')} → ${code}: ${err}`);
      assert.match(err, expected);
    }
  });

  it('gives --json on every command that prints a result, and refuses it where it has no meaning', async () => {
    assert.equal((await run(['tenant', 'create', 'acme'])).code, 0);
    const jsonCases: string[][] = [
      ['tenant', 'list', '--json'],
      ['tenant', 'disable', 'acme', '--json'],
      ['tenant', 'enable', 'acme', '--json'],
      ['tenant', 'settings', 'acme', '--json'],
      ['admin', 'list', '--json'],
      ['hostkey', 'list', '--json'],
      ['webhook', 'list', '--json'],
      ['held', 'list', 'acme', '--json'],
      ['token', 'list', 'acme', '--json'],
    ];
    for (const argv of jsonCases) {
      const { code, out, err } = await run(argv);
      assert.equal(code, 0, `${argv.join(' ')}: ${err}`);
      assert.doesNotThrow(() => JSON.parse(out), `${argv.join(' ')} prints JSON: ${out}`);
    }
    const serve = await run(['serve', '--json']);
    assert.equal(serve.code, 2);
    assert.match(serve.err, /--json has no meaning for `roster serve`/);
    const exportToStdout = await run(['export', 'acme', '--json']);
    assert.equal(exportToStdout.code, 2);
    assert.match(exportToStdout.err, /--json has no meaning when the export goes to stdout/);
  });

  describe('in a pipeline whose reader stops early', () => {
    const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
    /** Runs the CLI in a child process; the parent reads the first line of stdout and closes the pipe. */
    const firstLineThenClose = (argv: string[]) =>
      new Promise<{ code: number | null; line: string; stderr: string }>((resolve, reject) => {
        const script = `const { main } = await import(${JSON.stringify(entry)}); process.exitCode = await main(process.argv.slice(1));`;
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...argv], {
          env: { ...process.env, LOG_LEVEL: 'silent' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let line = '';
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.stdout.on('data', (chunk: Buffer) => {
          if (line.includes('\n')) return;
          line += chunk.toString();
          // `| head -1`: the reader has its line and goes away.
          if (line.includes('\n')) child.stdout.destroy();
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, line: line.split('\n')[0] ?? '', stderr }));
      });

    it('ends quietly with exit 0 when stdout closes (tenant list | head -1, export | head -1)', async () => {
      // More than a pipe holds (64 KiB), so the command is still writing when the reader goes.
      const store = await openStore({ databaseUrl: process.env.DATABASE_URL! });
      try {
        const rt = { store, now: Date.now, newId: () => uuidv7() };
        const name = 'a tenant whose display name is long enough that a few hundred of them fill a pipe '.repeat(2);
        for (let i = 0; i < 400; i++) await createTenant(rt, { slug: `t${String(i).padStart(4, '0')}`, name });
        const acme = await store.tenants.findBySlug('acme');
        await store.transaction({ tenantId: acme!.id }, async (r) => {
          for (let i = 0; i < 1500; i++) {
            const now = Date.now();
            await r.users.insert(
              userRecordFrom(
                { userName: `person${i}@acme.example`, displayName: name },
                { id: uuidv7(), version: 1, createdMs: now, modifiedMs: now, source: 'scim', managerId: null },
              ),
            );
          }
        });
      } finally {
        await store.close();
      }
      const listed = await firstLineThenClose(['tenant', 'list']);
      assert.equal(listed.line.split('\t')[0], 'SLUG');
      assert.equal(listed.stderr, '', 'nothing on stderr, least of all "the database is unavailable"');
      assert.equal(listed.code, 0);

      const exported = await firstLineThenClose(['export', 'acme', '--format', 'ndjson']);
      assert.match(exported.line, /"type":"header"/);
      assert.doesNotMatch(exported.stderr, /unavailable|EPIPE|Error/);
      assert.equal(exported.code, 0);
    });
  });
});
