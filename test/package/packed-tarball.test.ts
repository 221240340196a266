import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { startReceiver, type TestReceiver } from '../../src/testing/webhook-receiver.js';
import { waitUntil } from '../../src/testing/wait-until.js';

/**
 * What an adopter gets from the registry: both packages packed as `npm publish` would, installed
 * into an empty project, the server started with the `roster` command from there, and one of its
 * webhooks verified with the verifier package installed beside it.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };

/** The newest modification time under a folder (sources), to tell whether dist/ was built from them. */
function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    const stat = statSync(full);
    latest = Math.max(latest, stat.isDirectory() ? newest(full) : name.endsWith('.test.ts') ? 0 : stat.mtimeMs);
  }
  return latest;
}

describe('the packed packages, installed into an empty project', () => {
  let work: string;
  let project: string;
  let server: ChildProcess | undefined;
  let receiver: TestReceiver;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'roster-pack-'));
    project = join(work, 'adopter');
    // `npm ci` builds dist/ (prepare); a checkout edited since is built again here, or the tarball would be stale.
    const built = join(root, 'dist', 'index.js');
    if (!existsSync(built) || !existsSync(join(root, 'admin-ui', 'dist')) || statSync(built).mtimeMs < newest(join(root, 'src'))) {
      await run(npm, ['run', 'build'], { cwd: root });
    }
    // --ignore-scripts: `prepare` would build again; what was just checked is what gets packed.
    await run(npm, ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root });
    await run(npm, ['pack', '-w', 'roster-scim-webhooks', '--ignore-scripts', '--pack-destination', work], { cwd: root });
    receiver = await startReceiver('up');
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      await exited;
    }
    await receiver?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('packs a LICENSE, the compiled server, the console and no sources or tests', async () => {
    const { stdout } = await run('tar', ['-tzf', join(work, `${rootPackage.name}-${rootPackage.version}.tgz`)]);
    const files = stdout.split('\n').filter(Boolean);
    for (const needed of [
      'package/LICENSE',
      'package/README.md',
      'package/bin/roster.js',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/admin-ui/dist/index.html',
    ]) {
      assert.ok(files.includes(needed), `${needed} is packed`);
    }
    assert.deepEqual(
      files.filter((f) => /\.test\.|\/src\/|\/testing\//.test(f)),
      [],
      'no tests, sources or test helpers',
    );
    const verifier = await run('tar', ['-tzf', join(work, 'roster-scim-webhooks-0.1.0.tgz')]);
    assert.ok(verifier.stdout.includes('package/LICENSE') && verifier.stdout.includes('package/dist/index.d.ts'));
    assert.equal(/\.test\./.test(verifier.stdout), false);
  });

  it('installs, type-checks with skipLibCheck: false, serves with `roster serve`, and its webhook verifies with roster-scim-webhooks', async (t) => {
    const phases: Record<string, number> = {};
    let mark = Date.now();
    const phase = (name: string) => {
      phases[name] = Date.now() - mark;
      mark = Date.now();
    };
    // An adopter's project: the two tarballs and @types/node, from npm's cache where it has them.
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'adopter', private: true, type: 'module' }));
    // Scripts are skipped: better-sqlite3 would compile from source for a minute; the repository's
    // build of the same version is copied in below instead.
    await run(
      npm,
      [
        'install',
        '--prefer-offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        join(work, 'roster-scim-webhooks-0.1.0.tgz'),
        join(work, `${rootPackage.name}-${rootPackage.version}.tgz`),
        `@types/node@${rootPackage.devDependencies['@types/node']}`,
      ],
      { cwd: project },
    );
    const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
    assert.deepEqual(manifest(join(project, 'node_modules', 'roster-scim-webhooks')).dependencies ?? {}, {}, 'the verifier has no dependencies');
    assert.equal(
      manifest(join(project, 'node_modules', 'better-sqlite3')).version,
      manifest(join(root, 'node_modules', 'better-sqlite3')).version,
      'the same better-sqlite3 as the repository',
    );
    phase('install');
    rmSync(join(project, 'node_modules', 'better-sqlite3'), { recursive: true });
    cpSync(join(root, 'node_modules', 'better-sqlite3'), join(project, 'node_modules', 'better-sqlite3'), { recursive: true });

    // The published declarations compile in a strict project that checks libraries too.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] },
        include: ['adopter.ts'],
      }),
    );
    writeFileSync(
      join(project, 'adopter.ts'),
      [
        "import { createServer, loadConfig, type RosterServer } from 'roster-scim';",
        "import { verifyWebhook as fromHelper } from 'roster-scim/webhook-helper';",
        "import { verifyWebhook, type RosterEvent } from 'roster-scim-webhooks';",
        "export const start = (): Promise<RosterServer> => createServer(loadConfig({ DATABASE_URL: ':memory:' }));",
        'export const check = (body: string, secret: string): RosterEvent => verifyWebhook({ body, headers: {}, secrets: secret });',
        'export const same = fromHelper === verifyWebhook;',
        '',
      ].join('\n'),
    );
    // Checking every library's declarations takes a while on a busy machine: it runs while the server is tried.
    const typecheck = run(process.execPath, [tsc, '-p', project]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );

    // `roster` from the installed package: a tenant, a token and a webhook, then the server.
    const bin = join(project, 'node_modules', '.bin', 'roster');
    const env = { ...process.env, DATABASE_URL: join(work, 'roster.db'), LOG_LEVEL: 'warn', WEBHOOK_POLL_MS: '100' };
    const cli = async (...args: string[]) => JSON.parse((await run(bin, [...args, '--json'], { cwd: project, env })).stdout) as Record<string, string>;
    await cli('tenant', 'create', 'acme');
    const [{ token }, { secret }] = await Promise.all([cli('token', 'create', 'acme'), cli('webhook', 'add', 'acme', receiver.url)]);
    server = spawn(bin, ['serve'], { cwd: project, env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await waitUntil(() => /roster listening on http:\/\/\S+/.test(output) || server!.exitCode !== null, 'roster serve to listen', 30_000);
    phase('cli and serve');
    const base = /roster listening on (http:\/\/\S+)/.exec(output)?.[1];
    assert.ok(base, `roster serve started:\n${output}`);

    const created = await fetch(`${base}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'packed@example.com' }),
    });
    assert.equal(created.status, 201);
    const user = (await created.json()) as { id: string };
    await waitUntil(() => receiver.received.length >= 1, 'the webhook', 30_000);

    // The receiver's side: the verifier exactly as installed from its tarball.
    const verifier = (await import(
      pathToFileURL(join(project, 'node_modules', 'roster-scim-webhooks', 'dist', 'index.js')).href
    )) as typeof import('roster-scim-webhooks');
    const [request] = receiver.received;
    const event = verifier.verifyWebhook({ body: request!.body, headers: request!.headers, secrets: secret! });
    assert.equal(event.type, 'user.created');
    if (event.type === 'user.created') assert.equal(event.data.user.id, user.id);
    const { 'roster-signature': _own, ...standardOnly } = request!.headers;
    assert.equal(verifier.verifyWebhook({ body: request!.body, headers: standardOnly, secrets: secret! }).id, event.id, 'the Standard Webhooks signature verifies too');
    assert.throws(
      () => verifier.verifyWebhook({ body: request!.body, headers: request!.headers, secrets: `whsec_${Buffer.alloc(32).toString('base64')}` }),
      verifier.WebhookVerificationError,
    );
    phase('webhook');
    const problems = await typecheck;
    phase('typecheck');
    assert.equal(problems, '', `the adopter's project type-checks:\n${problems}`);
    t.diagnostic(`phases (ms): ${JSON.stringify(phases)}`);
  });
});
