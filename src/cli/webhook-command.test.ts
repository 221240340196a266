import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function run(args: string[]) {
  const c = capture();
  const code = await main(args, c.io);
  return { code, out: c.out, err: c.err };
}

describe('roster webhook and hostkey commands', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-webhook-cli-'));
    process.env.DATABASE_URL = join(dir, 'roster.db');
    assert.equal((await run(['tenant', 'create', 'acme'])).code, 0);
  });
  after(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds endpoints, shows the secret once, lists fingerprints only, rotates and removes', async () => {
    const added = await run(['webhook', 'add', 'acme', 'https://hooks.example.com/roster', '--label', 'CRM']);
    assert.equal(added.code, 0);
    const secret = added.out[0]!;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(added.err.join('\n'), /not shown again/);

    const all = await run(['webhook', 'add', '--all', 'https://audit.example.com/in', '--json']);
    const allHook = JSON.parse(all.out[0]!) as { id: string; tenant: string | null; secret: string };
    assert.equal(allHook.tenant, null);

    const listed = await run(['webhook', 'list', 'acme', '--json']);
    const hooks = JSON.parse(listed.out[0]!) as { id: string; label: string; fingerprint: string; streams: { tenantSlug: string; lastSeq: number }[] }[];
    assert.deepEqual(hooks.map((h) => h.label).sort(), ['CRM', 'webhook']);
    assert.equal(listed.out.join('').includes(secret), false, 'the secret is never listed');
    assert.equal(listed.out.join('').includes(allHook.secret), false);
    const crm = hooks.find((h) => h.label === 'CRM')!;
    assert.match(crm.fingerprint, /^sha256:[0-9a-f]{16}$/);
    assert.deepEqual(
      crm.streams.map((s) => [s.tenantSlug, s.lastSeq]),
      [['acme', 0]],
    );
    assert.ok((await run(['webhook', 'list'])).out.some((l) => l.includes('* (all tenants)')));

    const rotated = await run(['webhook', 'rotate', crm.id]);
    assert.equal(rotated.code, 0);
    assert.notEqual(rotated.out[0], secret);
    assert.match(rotated.err.join('\n'), /previous one also signs until/);
    const afterRotation = JSON.parse((await run(['webhook', 'list', 'acme', '--json'])).out[0]!) as {
      id: string;
      fingerprint: string;
      previousSecretUntil: string | null;
    }[];
    const crmNow = afterRotation.find((h) => h.id === crm.id)!;
    assert.notEqual(crmNow.fingerprint, crm.fingerprint);
    assert.ok(crmNow.previousSecretUntil !== null);

    assert.equal((await run(['webhook', 'remove', crm.id])).code, 0);
    assert.equal((await run(['webhook', 'remove', crm.id])).code, 1, 'removing twice says it is not there');
    assert.equal((await run(['webhook', 'add', 'acme', 'ftp://nope.example'])).code, 1);
    assert.equal((await run(['webhook', 'add', 'nowhere', 'https://x.example'])).code, 1);
  });

  it('lists dead letters and refuses to replay an unknown one', async () => {
    const dead = await run(['webhook', 'dead', 'acme', '--json']);
    assert.equal(dead.code, 0);
    assert.deepEqual(JSON.parse(dead.out[0]!), []);
    const replay = await run(['webhook', 'replay', 'no-such-letter']);
    assert.equal(replay.code, 1);
    assert.match(replay.err.join('\n'), /not found/);
  });

  it('mints host keys that read the host API (and only there), lists them without the key, revokes them', async () => {
    const created = await run(['hostkey', 'create', '--tenant', 'acme', '--label', 'backend', '--json']);
    assert.equal(created.code, 0);
    const issued = JSON.parse(created.out[0]!) as { id: string; key: string; tenant: string };
    assert.match(issued.key, /^rhk_[0-9a-f]{16}[A-Za-z0-9_-]{43}$/);
    assert.equal(issued.tenant, 'acme');
    const listed = await run(['hostkey', 'list']);
    assert.ok(listed.out.some((l) => l.includes(issued.id) && l.includes('backend')));
    assert.equal(listed.out.join('').includes(issued.key), false);

    const server = await createServer(loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent', WEBHOOK_DELIVERY: 'off' }));
    try {
      const read = () => server.app.inject({ method: 'GET', url: '/host/v1/tenants/acme/people', headers: { authorization: `Bearer ${issued.key}` } });
      assert.equal((await read()).statusCode, 200);
      assert.equal((await run(['hostkey', 'revoke', issued.id])).code, 0);
      assert.equal((await read()).statusCode, 401);
    } finally {
      await server.close();
    }
  });
});
