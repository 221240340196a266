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

describe('roster CLI', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-cli-'));
    process.env.DATABASE_URL = join(dir, 'roster.db');
  });
  after(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a tenant and a token that authenticates a real SCIM request, then revokes it', async () => {
    const created = capture();
    assert.equal(await main(['tenant', 'create', 'acme', '--name', 'Acme Corp', '--json'], created.io), 0);
    assert.equal(JSON.parse(created.out[0]!).slug, 'acme');

    const token = capture();
    assert.equal(await main(['token', 'create', 'acme', '--label', 'Okta', '--json'], token.io), 0);
    const issued = JSON.parse(token.out[0]!) as { id: string; token: string };
    assert.match(issued.token, /^rst_[0-9a-f]{16}[A-Za-z0-9_-]{43}$/);

    const listed = capture();
    await main(['token', 'list', 'acme', '--json'], listed.io);
    const credentials = JSON.parse(listed.out[0]!) as { id: string; label: string }[];
    assert.deepEqual(
      credentials.map((c) => c.label),
      ['Okta'],
    );
    assert.equal(listed.out.join('').includes(issued.token), false, 'a token is shown once, never listed');

    const server = await createServer(loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent' }));
    try {
      const ok = await server.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${issued.token}` } });
      assert.equal(ok.statusCode, 200);
      assert.equal(await main(['token', 'revoke', 'acme', issued.id], capture().io), 0);
      const revoked = await server.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${issued.token}` } });
      assert.equal(revoked.statusCode, 401, 'revocation from another process takes effect on the next request');
    } finally {
      await server.close();
    }
  });

  it('makes, lists and revokes a setup link that opens the guided setup once', async () => {
    const made = capture();
    assert.equal(
      await main(
        [
          'setup-link',
          'create',
          'acme',
          '--idp',
          'okta',
          '--expires',
          '2d',
          '--single-use',
          '--product-name',
          'Acme HR',
          '--accent',
          '#0f766e',
          '--public-url',
          'https://roster.example.com',
          '--json',
        ],
        made.io,
      ),
      0,
      made.err.join('\n'),
    );
    const link = JSON.parse(made.out[0]!) as { id: string; url: string; singleUse: boolean };
    assert.match(link.url, /^https:\/\/roster\.example\.com\/admin\/setup\/rsl_/);
    assert.equal(link.singleUse, true);
    const listed = capture();
    assert.equal(await main(['setup-link', 'list', 'acme', '--json'], listed.io), 0);
    assert.deepEqual(
      (JSON.parse(listed.out[0]!) as { id: string; state: string; idp: string }[]).map((l) => [l.id, l.state, l.idp]),
      [[link.id, 'open', 'okta']],
    );
    assert.equal(listed.out.join('').includes(link.url.slice(-43)), false, 'a link is shown once, never listed');
    const server = await createServer(loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent' }));
    try {
      const path = new URL(link.url).pathname;
      assert.equal((await server.app.inject({ method: 'GET', url: path })).statusCode, 200);
      assert.equal(await main(['setup-link', 'revoke', 'acme', link.id], capture().io), 0);
      const page = await server.app.inject({ method: 'GET', url: path });
      assert.equal(page.statusCode, 410);
      assert.match(page.body, /withdrawn/);
    } finally {
      await server.close();
    }
    const bad = capture();
    assert.notEqual(await main(['setup-link', 'create', 'acme', '--expires', 'soon'], bad.io), 0);
    assert.match(bad.err.join('\n'), /30m, 12h or 7d/);
  });

  it('mints a key/secret pair for HTTP Basic', async () => {
    const basic = capture();
    assert.equal(await main(['basic', 'create', 'acme', '--json'], basic.io), 0);
    const pair = JSON.parse(basic.out[0]!) as { key: string; secret: string };
    assert.match(pair.key, /^rsk_[0-9a-f]{16}$/);
    assert.equal(pair.secret.length, 43);
  });

  it('explains mistakes instead of crashing', async () => {
    const dup = capture();
    assert.equal(await main(['tenant', 'create', 'acme'], dup.io), 1);
    assert.match(dup.err[0]!, /exists/);
    const bad = capture();
    assert.equal(await main(['tenant', 'create', 'Not A Slug'], bad.io), 1);
    assert.match(bad.err[0]!, /slug/);
    const missing = capture();
    assert.equal(await main(['token', 'create', 'nobody'], missing.io), 1);
    assert.match(missing.err[0]!, /not found/);
    assert.equal(await main(['frobnicate'], capture().io), 2);
  });

  it('shows the value rules, report by default, and changes them', async () => {
    const shown = capture();
    assert.equal(await main(['tenant', 'settings', 'acme'], shown.io), 0);
    assert.ok(shown.out.includes('value rules:          report (a value breaking a rule is kept as sent and flagged on the person) — the default'), shown.out.join('\n'));
    const strict = capture();
    assert.equal(await main(['tenant', 'settings', 'acme', '--value-rules', 'enforce'], strict.io), 0);
    assert.ok(strict.out.includes('value rules:          enforce (a value breaking a rule gets 400; nothing written)'), strict.out.join('\n'));
    const back = capture();
    assert.equal(await main(['tenant', 'settings', 'acme', '--value-rules', 'report', '--json'], back.io), 0);
    assert.equal(JSON.parse(back.out[0]!).valueRules, 'report');
  });

  it('switches provisioning off and on', async () => {
    assert.equal(await main(['tenant', 'disable', 'acme'], capture().io), 0);
    const listed = capture();
    await main(['tenant', 'list', '--json'], listed.io);
    assert.equal(JSON.parse(listed.out[0]!)[0].provisioningEnabled, false);
    assert.equal(await main(['tenant', 'enable', 'acme'], capture().io), 0);
  });
});
