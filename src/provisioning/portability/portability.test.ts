import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { ProgressBar } from '../../cli/progress.js';
import { main } from '../../cli/main.js';
import type { JsonObject } from '../../json/json-value.js';
import type { Store, TenantScope } from '../../storage/store.js';
import { testEngines } from '../../testing/databases.js';
import { createTestServer, type TestServer } from '../../testing/test-server.js';
import { DomainError } from '../errors.js';
import { updateTenantSettings } from '../tenants/manage-tenants.js';
import { exportTenant, type PortabilityProgress } from './export-tenant.js';
import { importTenant } from './import-tenant.js';
import { jsonSink, ndjsonSink, readExportFile, streamWriter, type ExportFileFormat } from './tenant-file.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ROSTER = 'urn:ietf:params:scim:schemas:extension:roster:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

function person(userName: string, enterprise: JsonObject = {}, extra: JsonObject = {}): JsonObject {
  return {
    schemas: [CORE, ENTERPRISE, ROSTER],
    userName,
    name: { givenName: userName.split('@')[0]!, familyName: 'Example' },
    emails: [{ value: userName, type: 'work', primary: true }],
    addresses: [{ type: 'work', country: 'GB', locality: 'London' }],
    preferredLanguage: 'en-GB',
    active: true,
    [ENTERPRISE]: enterprise,
    ...extra,
  };
}

/** Everything a tenant holds, read through the repositories, in a form two databases can compare. */
async function contents(store: Store, scope: TenantScope) {
  return store.read(scope, async (repos) => {
    const users = await repos.users.list({ page: { kind: 'index', offset: 0, limit: 1000 } });
    const groups = await repos.groups.list({ page: { kind: 'index', offset: 0, limit: 1000 } });
    const folders = await repos.folders.list();
    const pending = await repos.pending.list(1000, 0);
    return {
      people: users.rows.map((u) => ({
        id: u.id,
        userName: u.userName,
        active: u.active,
        document: u.document,
        version: u.version,
        createdMs: u.createdMs,
        modifiedMs: u.modifiedMs,
        source: u.source,
        managerId: u.managerId,
        missing: u.missing,
        employeeNumber: u.employeeNumber,
      })),
      groups: await Promise.all(
        groups.rows.map(async (g) => ({
          id: g.id,
          displayName: g.displayName,
          document: g.document,
          version: g.version,
          createdMs: g.createdMs,
          modifiedMs: g.modifiedMs,
          members: (await repos.groups.members(g.id)).map((m) => ({ id: m.id, type: m.type, display: m.display })),
        })),
      ),
      folders: await Promise.all(
        folders.map(async (f) => ({ id: f.id, kind: f.kind, value: f.value, createdMs: f.createdMs, members: await repos.folders.memberIds(f.id, 1000, 0) })),
      ),
      pending: [...pending.rows].sort((a, b) => `${a.kind}${a.subjectId}${a.reference}`.localeCompare(`${b.kind}${b.subjectId}${b.reference}`)),
      lastSeq: await repos.events.lastSeq(),
    };
  });
}

async function writeExport(t: TestServer, file: string, format: ExportFileFormat, withCredentials = false) {
  const stream = createWriteStream(file, 'utf8');
  const write = streamWriter(stream);
  const progress: PortabilityProgress[] = [];
  const header = await exportTenant(t.server.rt, t.tenant.slug, format === 'json' ? jsonSink(write) : ndjsonSink(write), {
    producerVersion: 'test',
    withCredentials,
    onProgress: (p) => progress.push(p),
    pageSize: 2, // several pages even for a small tenant
  });
  stream.end();
  await finished(stream);
  return { header, progress };
}

describe('moving a tenant between databases (roster export / roster import)', () => {
  let source: TestServer;
  let dir: string;
  let ids: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-portability-'));
    source = await createTestServer('sqlite');
    await updateTenantSettings(source.server.rt, 'acme', { matchingField: 'email', supportedLanguages: ['en-GB', 'fr'], valueRules: 'report' });
    const create = async (body: JsonObject) => {
      const r = await source.scim('POST', '/Users', body);
      assert.equal(r.status, 201, r.raw);
      return String(r.body['id']);
    };
    ids = {};
    // Alice's manager arrives after her: the link waits, then is made when Bob arrives.
    ids['alice'] = await create(person('alice@example.com', { department: 'Engineering', division: 'R&D', organization: 'Acme', manager: { value: 'bob@example.com' } }));
    ids['bob'] = await create(person('bob@example.com', { department: 'Engineering', employeeNumber: 'E-2' }));
    // Dave's manager never arrives: a pending reference.
    ids['dave'] = await create(person('dave@example.com', { department: 'Sales', manager: { value: 'ghost@example.com' } }));
    ids['erin'] = await create(
      person(
        'erin@example.com',
        { organization: 'Acme', costCenter: 'CC-9' },
        { [ROSTER]: { hireDate: '2024-02-29', businessUnit: 'Retail', office: 'HQ' }, title: 'Buyer' },
      ),
    );
    ids['frank'] = await create(person('frank@example.com'));
    assert.equal((await source.scim('PATCH', `/Users/${ids['erin']}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] })).status, 200);
    assert.equal((await source.scim('DELETE', `/Users/${ids['frank']}`)).status, 204);
    // Incomplete on purpose: no names, no country, no language.
    ids['gina'] = await create({ userName: 'gina@example.com', emails: [{ value: 'gina@example.com', type: 'work' }] });

    const admins = await source.scim('POST', '/Groups', { displayName: 'Admins', members: [{ value: ids['alice']! }, { value: ids['bob']!, display: 'Bobby (label)' }] });
    assert.equal(admins.status, 201, admins.raw);
    ids['admins'] = String(admins.body['id']);
    // A member not there yet is held pending; a group may be a member of a group.
    const everyone = await source.scim('POST', '/Groups', {
      displayName: 'Everyone',
      members: [{ value: ids['dave']! }, { value: ids['erin']! }, { value: ids['admins']!, type: 'Group' }, { value: 'not-yet-here' }],
    });
    assert.equal(everyone.status, 201, everyone.raw);
    ids['everyone'] = String(everyone.body['id']);
    assert.equal((await source.scim('POST', '/Groups', { displayName: 'Empty' })).status, 201);
  });
  after(async () => {
    await source?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a consistent snapshot with counts, in both formats, with progress', async () => {
    const { header, progress } = await writeExport(source, join(dir, 'acme.json'), 'json');
    assert.deepEqual(header.counts, { people: 5, groups: 3, folders: 4, pendingReferences: 2, credentials: 0 });
    assert.ok(header.eventCursor.lastSeq > 0);
    assert.equal(progress.at(-1)?.done, 14);
    assert.equal(progress.at(-1)?.total, 14);
    const json = JSON.parse(readFileSync(join(dir, 'acme.json'), 'utf8')) as { people: unknown[]; groups: unknown[]; credentials: unknown[] };
    assert.equal(json.people.length, 5);
    assert.equal(json.credentials.length, 0);

    await writeExport(source, join(dir, 'acme.ndjson'), 'ndjson');
    const lines = readFileSync(join(dir, 'acme.ndjson'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + 14);
    assert.equal((JSON.parse(lines[0]!) as { type: string }).type, 'header');
    // Both formats read back to the same records.
    const a = await readExportFile(join(dir, 'acme.json'));
    const b = await readExportFile(join(dir, 'acme.ndjson'));
    const all = async (s: typeof a) => {
      const out = [];
      for await (const r of s.records) out.push(r);
      return out;
    };
    assert.equal(a.format, 'json');
    assert.equal(b.format, 'ndjson');
    assert.deepEqual(await all(a), await all(b));
  });

  for (const { engine, skip } of testEngines()) {
    describe(`into ${engine}`, { skip }, () => {
      let target: TestServer;
      before(async () => {
        target = await createTestServer(engine);
      });
      after(async () => target?.close());

      it('restores everything with the same ids, and SCIM serves the same resources', async () => {
        const file = join(dir, `to-${engine}.ndjson`);
        await writeExport(source, file, 'ndjson');
        // The target's tenant "acme" exists (it has the IdP's token) and is empty: the import fills it.
        const summary = await importTenant(target.server.rt, await readExportFile(file));
        assert.equal(summary.created, false);
        assert.equal(summary.tenant.id, target.tenant.id);

        const before = await contents(source.server.store, { tenantId: source.tenant.id });
        const afterImport = await contents(target.server.store, { tenantId: target.tenant.id });
        assert.deepEqual(afterImport, before);
        assert.equal(afterImport.people.find((p) => p.id === ids['alice'])?.managerId, ids['bob'], 'manager link kept');
        assert.deepEqual(afterImport.people.find((p) => p.id === ids['gina'])?.missing.length, 4, 'incomplete flag kept');
        assert.deepEqual(
          (await target.server.rt.store.tenants.findById(target.tenant.id))?.settings,
          (await source.server.rt.store.tenants.findById(source.tenant.id))?.settings,
          'settings restored',
        );

        // The IdP sees the same resources under the same ids (ETags included).
        for (const [name, id] of Object.entries(ids)) {
          if (name === 'frank') continue;
          const path = name === 'admins' || name === 'everyone' ? `/Groups/${id}` : `/Users/${id}`;
          const from = await source.scim('GET', path);
          const to = await target.scim('GET', path);
          assert.equal(to.status, 200, `${path} on ${engine}`);
          assert.deepEqual(to.body, from.body, `${name} reads the same`);
          assert.equal(to.headers['etag'], from.headers['etag']);
        }
        assert.equal((await target.scim('GET', `/Users/${ids['frank']}`)).status, 404, 'a deleted person stays deleted');
        const filtered = await target.scim('GET', `/Users?filter=${encodeURIComponent('userName eq "BOB@example.com"')}`);
        assert.equal(filtered.body['totalResults'], 1, 'folded indexes rebuilt: case-insensitive filter works');

        // Provisioning carries on: the event numbering continues from the cursor, and a pending
        // manager is linked the moment they arrive on the new database.
        const lastSeq = afterImport.lastSeq;
        const ghost = await target.scim('POST', '/Users', person('ghost@example.com'));
        assert.equal(ghost.status, 201);
        const events = await target.server.rt.store.read({ tenantId: target.tenant.id }, (repos) => repos.events.after(lastSeq, 100));
        assert.equal(events[0]?.seq, lastSeq + 1);
        const dave = await target.server.rt.store.read({ tenantId: target.tenant.id }, (repos) => repos.users.findById(ids['dave']!));
        assert.equal(dave?.managerId, ghost.body['id']);
        const dup = await target.scim('POST', '/Users', person('alice@example.com'));
        assert.equal(dup.status, 409, 'uniqueness holds on imported people');
      });

      it('refuses a tenant that is not empty, and makes a new one under --slug keeping the tenant id', async () => {
        const file = join(dir, `again-${engine}.json`);
        await writeExport(source, file, 'json', true);
        await assert.rejects(importTenant(target.server.rt, await readExportFile(file)), (error: unknown) => {
          assert.ok(error instanceof DomainError);
          assert.match(error.message, /not empty \(\d+ people, 3 groups/);
          return true;
        });
        const copy = await importTenant(target.server.rt, await readExportFile(file), { slug: 'acme-copy' });
        assert.equal(copy.created, true);
        assert.equal(copy.tenant.slug, 'acme-copy');
        assert.equal(copy.tenant.id, source.tenant.id, 'the exported tenant id is free here, so it is kept');
        assert.equal(copy.counts.credentials, 1);
        // With --with-credentials the IdP's token keeps working against the new tenant.
        const asIdp = await target.server.app.inject({ method: 'GET', url: '/t/acme-copy/scim/v2/Users?count=1', headers: { authorization: `Bearer ${source.token}` } });
        assert.equal(asIdp.statusCode, 200);
        assert.equal(JSON.parse(asIdp.body).totalResults, 5);
      });
    });
  }

  it('refuses truncated and foreign files without writing anything', async () => {
    const target = await createTestServer('sqlite');
    try {
      const file = join(dir, 'cut.ndjson');
      await writeExport(source, file, 'ndjson');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      writeFileSync(file, `${lines.slice(0, -3).join('\n')}\n`);
      await assert.rejects(importTenant(target.server.rt, await readExportFile(file)), /does not hold what its header says/);
      const left = await contents(target.server.store, { tenantId: target.tenant.id });
      assert.equal(left.people.length, 0, 'the failed import rolled back');
      writeFileSync(join(dir, 'foreign.json'), '{"hello":"world"}');
      await assert.rejects(readExportFile(join(dir, 'foreign.json')), /not a Roster tenant export/);
    } finally {
      await target.close();
    }
  });

  it('runs from the command line: roster export, then roster import on another database', async () => {
    const saved = process.env['DATABASE_URL'];
    const sourceFile = join(dir, 'cli-source.db');
    const targetFile = join(dir, 'cli-target.db');
    const io = () => {
      const out: string[] = [];
      const err: string[] = [];
      return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
    };
    const quiet = { write: () => true, isTTY: false };
    try {
      process.env['DATABASE_URL'] = sourceFile;
      assert.equal(await main(['tenant', 'create', 'globex'], io().io), 0);
      const exported = io();
      const { exportCommand } = await import('../../cli/export-command.js');
      const { importCommand } = await import('../../cli/import-command.js');
      assert.equal(await exportCommand(['globex', '--out', join(dir, 'globex.ndjson'), '--json'], exported.io, quiet), 0);
      assert.equal(JSON.parse(exported.out[0]!).format, 'ndjson');
      process.env['DATABASE_URL'] = targetFile;
      const imported = io();
      assert.equal(await importCommand([join(dir, 'globex.ndjson'), '--slug', 'globex-2'], imported.io, quiet), 0);
      assert.match(imported.out[0]!, /imported into new tenant globex-2/);
      const again = io();
      assert.equal(await main(['import', join(dir, 'globex.ndjson'), '--slug', 'globex-2'], again.io), 0, 'an empty tenant may be filled again');
      const missing = io();
      assert.equal(await main(['import', join(dir, 'nope.json')], missing.io), 1);
      assert.match(missing.err[0]!, /no file/);
      assert.equal(await main(['export'], io().io), 2);
    } finally {
      if (saved === undefined) delete process.env['DATABASE_URL'];
      else process.env['DATABASE_URL'] = saved;
    }
  });
});

describe('the progress bar', () => {
  it('redraws one line on a terminal and writes quarter lines elsewhere', () => {
    const tty: string[] = [];
    let clock = 0;
    const bar = new ProgressBar({ write: (t: string) => tty.push(t), isTTY: true, columns: 100 }, 'exporting acme', { minTotal: 10, now: () => clock });
    for (let done = 1; done <= 100; done++) {
      clock += 7;
      bar.update({ phase: 'person', done, total: 100 });
    }
    bar.finish();
    assert.ok(tty.length > 3 && tty.length < 20, 'throttled to about ten redraws a second');
    assert.ok(tty.slice(0, -1).every((t) => t.startsWith('\r')));
    assert.match(tty.at(-2)!, /\[#+\] 100% 100\/100 people/);
    assert.equal(tty.at(-1), '\n');

    const plain: string[] = [];
    const log = new ProgressBar({ write: (t: string) => plain.push(t), isTTY: false }, 'importing acme', { minTotal: 10 });
    for (let done = 1; done <= 40; done++) log.update({ phase: 'group', done, total: 40 });
    assert.deepEqual(
      plain.map((l) => l.split(' (')[0]),
      ['importing acme: 0%', 'importing acme: 25%', 'importing acme: 50%', 'importing acme: 75%', 'importing acme: 100%'],
    );
    const small: string[] = [];
    new ProgressBar({ write: (t: string) => small.push(t), isTTY: true }, 'x').update({ phase: 'person', done: 1, total: 5 });
    assert.deepEqual(small, [], 'small jobs draw nothing');
  });
});
