import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createServer } from '../app/create-server.js';
import { loadConfig } from '../config/config.js';
import { issueCredential } from '../provisioning/credentials/manage-credentials.js';
import { createTenant } from '../provisioning/tenants/manage-tenants.js';
import { openPostgres } from '../storage/sql/dialects/postgres.js';
import { SqlStore } from '../storage/sql/sql-store.js';
import { testEngines } from '../testing/databases.js';
import { createTestServer, type TestServer } from '../testing/test-server.js';
import { tenantClassOf } from './metrics.js';

// ---------------------------------------------------------------------------------------------
// A parser for the Prometheus text exposition format (0.0.4), strict enough to fail on anything a
// Prometheus server would refuse: unknown syntax, samples without a TYPE, bad label escapes,
// duplicate series, histograms whose buckets do not add up.

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

interface Family {
  readonly name: string;
  type?: string;
  help?: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** Parses `{a="x",b="y\"z"}` starting at `text[0] === '{'`; answers the labels and the rest of the line. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`line ${line}: bad label name at ${JSON.stringify(text.slice(i))}`);
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`line ${line}: expected =" after ${name}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape \\${next ?? ''}`);
        i += 2;
      } else {
        value += c;
        i += 1;
      }
    }
    i += 1;
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    labels[name] = value;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected , or } after a label`);
  }
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const exact = families.get(sampleName);
  if (exact) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family && (family.type === 'histogram' || family.type === 'summary')) return family;
  }
  return undefined;
}

function parsePrometheusText(text: string): Map<string, Family> {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(raw);
      if (!m) return; // an ordinary comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      const family = families.get(name) ?? { name, samples: [] };
      families.set(name, family);
      if (kind === 'TYPE') {
        if (family.type) throw new Error(`line ${line}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new Error(`line ${line}: TYPE after samples of ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`line ${line}: unknown type ${rest}`);
        family.type = rest;
      } else {
        if (family.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`);
        family.help = rest;
      }
      return;
    }
    const name = METRIC_NAME.exec(raw)?.[0];
    if (!name) throw new Error(`line ${line}: not a sample: ${raw}`);
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/\s+/);
    if (!rest.startsWith(' ') || fields.length < 1 || fields.length > 2) throw new Error(`line ${line}: expected " value [timestamp]"`);
    const value = parseValue(fields[0]!, line);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new Error(`line ${line}: bad timestamp`);
    const family = familyOf(name, families);
    if (!family?.type) throw new Error(`line ${line}: sample ${name} has no TYPE line before it`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${line}: duplicate series ${key}`);
    seen.add(key);
    family.samples.push({ name, labels, value });
  });
  for (const family of families.values()) {
    if (family.type === 'counter') {
      for (const s of family.samples) assert.ok(s.value >= 0 && Number.isFinite(s.value), `${s.name} is a finite non-negative counter`);
    }
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

/** Buckets are cumulative, end with +Inf equal to _count, and come with a _sum. */
function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (s.name.endsWith('_bucket')) {
      assert.ok(le !== undefined, `${s.name} has le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
    else if (s.name.endsWith('_sum')) entry.sum = s.value;
  }
  for (const [key, entry] of series) {
    const sorted = [...entry.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]![1] >= sorted[i - 1]![1], `${family.name}${key}: buckets are cumulative`);
    assert.equal(sorted.at(-1)?.[0], Infinity, `${family.name}${key}: has a +Inf bucket`);
    assert.equal(sorted.at(-1)?.[1], entry.count, `${family.name}${key}: +Inf bucket equals _count`);
    assert.ok(entry.sum !== undefined, `${family.name}${key}: has _sum`);
  }
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = familyOf(name, families);
  const sample = family?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return sample?.value;
}

// ---------------------------------------------------------------------------------------------

describe('the Prometheus text parser used here', () => {
  it('refuses what Prometheus would refuse', () => {
    assert.throws(() => parsePrometheusText('roster_x 1\n'), /no TYPE/);
    assert.throws(() => parsePrometheusText('# TYPE a counter\na{b="c} 1\n'), /unterminated/);
    assert.throws(() => parsePrometheusText('# TYPE a gauge\na 1\na 2\n'), /duplicate/);
    assert.throws(() => parsePrometheusText('# TYPE a gauge\na one\n'), /bad value/);
    assert.throws(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'));
    const ok = parsePrometheusText('# HELP a Text with \\\\ and \\n.\n# TYPE a gauge\na{x="q\\"uote\\\\"} +Inf\n');
    assert.equal(ok.get('a')?.samples[0]?.labels['x'], 'q"uote\\');
  });
});

describe('route classes', () => {
  it('label by route pattern, four values', () => {
    assert.equal(tenantClassOf('/scim/v2/Users/:id'), 'scim');
    assert.equal(tenantClassOf('/t/:slug/scim/v2/Groups'), 'scim');
    assert.equal(tenantClassOf('/admin/api/v1/tenants/:slug/people'), 'admin');
    assert.equal(tenantClassOf('/host/v1/tenants/:slug/events'), 'host');
    assert.equal(tenantClassOf('/healthz'), 'other');
    assert.equal(tenantClassOf(undefined), 'other');
  });
});

for (const { engine, skip } of testEngines()) {
  describe(`GET /metrics on ${engine}`, { skip }, () => {
    let t: TestServer;
    before(async () => {
      t = await createTestServer(engine, { DB_POOL_SIZE: '6' });
    });
    after(async () => t?.close());

    it('scrapes cleanly and counts requests by route pattern, method, status and tenant class', async () => {
      const created = await t.scim('POST', '/Users', {
        userName: 'ada@example.com',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: 'boss@example.com' } },
      });
      assert.equal(created.status, 201);
      const id = String(created.body['id']);
      assert.equal((await t.scim('GET', `/Users/${id}`)).status, 200);
      assert.equal((await t.scim('GET', '/Users/does-not-exist')).status, 404);
      await t.server.app.inject({ method: 'GET', url: `/t/${t.tenant.slug}/scim/v2/Users`, headers: { authorization: `Bearer ${t.token}` } });
      await t.server.app.inject({ method: 'GET', url: '/no/such/page' });
      await t.server.app.inject({ method: 'GET', url: '/healthz' });

      const response = await t.server.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const families = parsePrometheusText(response.body);

      const requests = 'roster_http_requests_total';
      assert.equal(value(families, requests, { route: '/scim/v2/Users', method: 'POST', status: '201', tenant_class: 'scim' }), 1);
      assert.equal(value(families, requests, { route: '/scim/v2/Users/:id', method: 'GET', status: '200', tenant_class: 'scim' }), 1);
      assert.equal(value(families, requests, { route: '/scim/v2/Users/:id', method: 'GET', status: '404', tenant_class: 'scim' }), 1);
      assert.equal(value(families, requests, { route: '/t/:slug/scim/v2/Users', method: 'GET', status: '200', tenant_class: 'scim' }), 1);
      assert.equal(value(families, requests, { route: 'unmatched', method: 'GET', status: '404', tenant_class: 'other' }), 1);
      assert.equal(value(families, requests, { route: '/healthz', method: 'GET', status: '200', tenant_class: 'other' }), 1);
      assert.equal(value(families, 'roster_http_request_duration_seconds_count', { route: '/scim/v2/Users', method: 'POST', tenant_class: 'scim' }), 1);

      // Bounded cardinality: no raw URL, resource id, slug or tenant id in any label.
      for (const secret of [id, t.tenant.id, `/t/${t.tenant.slug}/`, 'does-not-exist', '/no/such/page']) {
        assert.equal(response.body.includes(secret), false, `${secret} does not appear in the metrics`);
      }

      assert.equal(value(families, 'roster_database_up'), 1);
      assert.equal(value(families, 'roster_pending_references'), 1, "ada's manager is not there yet");
      assert.equal(value(families, 'roster_held_mass_changes'), 0);
      assert.equal(value(families, 'roster_event_backlog'), 0, 'no webhook endpoint, so nothing waits for delivery');
      assert.equal(value(families, 'roster_webhook_dead_letters'), 0);
      assert.equal(value(families, 'roster_tenants', { provisioning: 'on' }), 1);
      assert.equal(families.get('roster_build_info')?.samples[0]?.labels['engine'], engine);
      if (engine === 'postgres') {
        assert.equal(value(families, 'roster_db_pool_connections', { state: 'max' }), 5, 'DB_POOL_SIZE 6, less the point-read connection');
        assert.ok((value(families, 'roster_db_pool_connections', { state: 'total' }) ?? 0) >= 1);
        assert.equal(typeof value(families, 'roster_db_pool_waiting'), 'number');
      } else {
        assert.equal(families.get('roster_db_pool_connections')?.samples.length, 0, 'SQLite has no pool');
      }
      assert.ok((value(families, 'process_resident_memory_bytes') ?? 0) > 0);
    });
  });
}

describe('metrics when the schema or the database is not all there', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'roster-metrics-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves out what a missing table would give, reports 0 held changes, and still answers', async () => {
    const file = join(dir, 'old.db');
    const first = await createServer(loadConfig({ DATABASE_URL: file, LOG_LEVEL: 'silent' }));
    await first.close();
    // An older schema: no delivery tables and no held changes yet.
    const raw = new Database(file);
    raw.exec('drop table webhook_dead_letters; drop table webhook_streams; drop table held_changes;');
    raw.close();
    // Opening migrates only what the migrator has not recorded, so the tables stay gone.
    const server = await createServer(loadConfig({ DATABASE_URL: file, LOG_LEVEL: 'silent' }));
    try {
      const response = await server.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(response.statusCode, 200);
      const families = parsePrometheusText(response.body);
      assert.equal(value(families, 'roster_database_up'), 1);
      assert.equal(value(families, 'roster_event_backlog'), undefined);
      assert.equal(value(families, 'roster_held_mass_changes'), 0);
      assert.equal(value(families, 'roster_pending_references'), 0);
    } finally {
      await server.close();
    }
  });

  it('answers with roster_database_up 0 while PostgreSQL is unreachable', async () => {
    // Port 9 (discard) on localhost: nothing listens, so every connection is refused at once. The
    // store is opened without migrating (there is nothing to migrate against).
    const database = await openPostgres({ url: 'postgres://nobody@127.0.0.1:9/none', poolSize: 2, connectionTimeoutMs: 500 });
    const store = new SqlStore(database);
    const server = await createServer(loadConfig({ DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', LOG_LEVEL: 'silent', WEBHOOK_DELIVERY: 'off' }), { store });
    try {
      const response = await server.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(response.statusCode, 200);
      const families = parsePrometheusText(response.body);
      assert.equal(value(families, 'roster_database_up'), 0);
      assert.equal(value(families, 'roster_pending_references'), undefined);
      assert.equal(value(families, 'roster_db_pool_connections', { state: 'max' }), 1, 'DB_POOL_SIZE 2, less the point-read connection');
    } finally {
      await server.close();
      await store.close();
    }
  });
});

describe('request ids and the metrics token', () => {
  it('echoes a caller request id, makes a unique one otherwise, logs it, and guards /metrics with METRICS_TOKEN', async () => {
    const logs: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    const server = await createServer(loadConfig({ DATABASE_URL: ':memory:', LOG_LEVEL: 'info', METRICS_TOKEN: 'scrape-secret' }), { logStream });
    try {
      const tenant = await createTenant(server.rt, { slug: 'acme' });
      const token = (await issueCredential(server.rt, tenant.id, 'bearer', 'ops')).secret;
      const traced = await server.app.inject({
        method: 'GET',
        url: '/scim/v2/Users',
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'lb-trace-42' },
      });
      assert.equal(traced.headers['x-request-id'], 'lb-trace-42');
      const own = await server.app.inject({ method: 'GET', url: '/healthz' });
      const ownId = String(own.headers['x-request-id']);
      assert.match(ownId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a UUID, unique across processes');
      const lines = logs
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { msg: string; reqId?: string });
      assert.ok(
        lines.some((l) => l.msg === 'request' && l.reqId === 'lb-trace-42'),
        'the log line carries the request id',
      );
      assert.ok(lines.some((l) => l.msg === 'request' && l.reqId === ownId));

      assert.equal((await server.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      assert.equal((await server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode, 401);
      const ok = await server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-secret' } });
      assert.equal(ok.statusCode, 200);
      parsePrometheusText(ok.body);
      assert.equal(logs.join('').includes('scrape-secret'), false, 'the metrics token is never logged');
    } finally {
      await server.close();
    }
  });
});
