import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { adminCommand } from './admin-command.js';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('roster admin', () => {
  let dir: string;
  const saved = process.env.DATABASE_URL;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-admin-cli-'));
    process.env.DATABASE_URL = join(dir, 'roster.db');
    assert.equal(await main(['tenant', 'create', 'acme'], capture().io), 0);
  });
  after(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates an operator with a generated password printed once, and a tenant admin from stdin', async () => {
    const operator = capture();
    assert.equal(await adminCommand(['create', '--email', 'ops@roster.example', '--json'], operator.io), 0);
    const made = JSON.parse(operator.out[0]!) as { role: string; password: string; tenant: string | null };
    assert.equal(made.role, 'operator');
    assert.equal(made.tenant, null);
    assert.match(made.password, /^[A-Za-z0-9_-]{24}$/);

    const tenantAdmin = capture();
    const stdin = Readable.from(['acme admin passphrase\n']);
    assert.equal(await adminCommand(['create', '--email', 'it@acme.example', '--tenant', 'acme', '--password-stdin'], tenantAdmin.io, stdin), 0);
    assert.match(tenantAdmin.out.join('\n'), /tenant admin of acme/);
    assert.equal(tenantAdmin.out.join('\n').includes('passphrase'), false, 'a password from stdin is never echoed');

    const listed = capture();
    assert.equal(await main(['admin', 'list', '--json'], listed.io), 0);
    const admins = JSON.parse(listed.out[0]!) as { email: string; role: string; tenant: string | null }[];
    assert.deepEqual(
      admins.map((a) => [a.email, a.role, a.tenant]),
      [
        ['it@acme.example', 'tenant', 'acme'],
        ['ops@roster.example', 'operator', null],
      ],
    );
    assert.equal(listed.out.join('').includes('scrypt'), false);

    const server = await createServer(loadConfig({ DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: 'silent' }));
    try {
      for (const [email, password] of [
        ['ops@roster.example', made.password],
        ['it@acme.example', 'acme admin passphrase'],
      ]) {
        const signed = await server.app.inject({ method: 'POST', url: '/admin/api/v1/session', payload: { email, password } });
        assert.equal(signed.statusCode, 200, signed.body);
      }
    } finally {
      await server.close();
    }
  });

  it('explains mistakes', async () => {
    const dup = capture();
    assert.equal(await main(['admin', 'create', '--email', 'OPS@roster.example'], dup.io), 1);
    assert.match(dup.err[0]!, /exists/);
    await assert.rejects(
      adminCommand(['create', '--email', 'new@roster.example', '--password-stdin'], capture().io, Readable.from(['short\n'])),
      /12 to 1024 characters/,
    );
    const noTenant = capture();
    assert.equal(await main(['admin', 'create', '--email', 'x@roster.example', '--tenant', 'nope'], noTenant.io), 1);
    assert.match(noTenant.err[0]!, /tenant "nope" not found/);
    assert.equal(await main(['admin', 'create'], capture().io), 2);
    assert.equal(await main(['admin', 'frobnicate'], capture().io), 2);
  });
});
