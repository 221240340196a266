/**
 * `npm run bench -- --retention`: a year of Entra provisioning cycles for one tenant, on a clock
 * the bench moves (the server's `now` is injected), with retention at its defaults (provisioning
 * log 30 days, delivered events 90 days) run once a simulated day by the server's own pruner.
 *
 * The model (Entra's documented behaviour, docs/idp/entra-id.md and the reference it cites):
 *   day 0     the initial cycle: per person a userName lookup and a create; departments as groups
 *             (lookup, create, members added in PATCHes of 100);
 *   every 40 minutes an incremental cycle sends what changed since the last one: joiners (lookup,
 *             create, one PATCH adding them to their department), leavers (deactivation PATCH,
 *             then DELETE 30 days later, as Entra hard-deletes), and attribute updates (lookup
 *             and a PATCH replacing the title), each spread evenly over the month.
 * The requests go through the whole app in this process (Fastify's inject): what is measured is
 * how storage grows, not how fast. Rows and bytes per table are read every simulated month;
 * PostgreSQL's numbers follow a plain VACUUM of the pruned tables each month, as autovacuum would
 * have run over a real month.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { createServer, type RosterServer } from '../src/app/create-server.js';
import { loadConfig } from '../src/config/config.js';
import { issueCredential } from '../src/provisioning/credentials/manage-credentials.js';
import { createTenant } from '../src/provisioning/tenants/manage-tenants.js';
import { pendingCleanups, postgresDatabase, sqliteDatabase, type BenchDatabase } from './databases.js';
import { progress } from './observe.js';
import type { Engine } from './report.js';

export interface RetentionSettings {
  readonly people: number;
  readonly days: number;
  readonly cycleMinutes: number;
  /** Joiners and as many leavers per month, in % of the tenant. */
  readonly churnPercentPerMonth: number;
  /** People whose attributes change per month, in %. */
  readonly updatesPercentPerMonth: number;
  readonly departments: number;
  readonly hardDeleteAfterDays: number;
  readonly sampleEveryDays: number;
}

export function retentionSettingsFor(quick: boolean): RetentionSettings {
  const shared = { cycleMinutes: 40, churnPercentPerMonth: 3, updatesPercentPerMonth: 10, departments: 20, hardDeleteAfterDays: 30, sampleEveryDays: 30 };
  return quick ? { people: 1_000, days: 150, ...shared } : { people: 10_000, days: 365, ...shared };
}

/** The tables that grow with activity, and those that hold the directory. */
const TABLES = ['request_log', 'events', 'users', 'user_emails', 'groups', 'group_members'] as const;
type Table = (typeof TABLES)[number];

export interface StorageSample {
  readonly day: number;
  readonly requests: number;
  /** Events written so far (the tenant's last seq). */
  readonly eventsWritten: number;
  readonly rows: Readonly<Record<Table, number>>;
  /** Table plus its indexes. */
  readonly bytes: Readonly<Record<Table, number>>;
  /** The whole database: SQLite's file (pages in use; freed pages are reused), PostgreSQL's schema. */
  readonly databaseBytes: number;
}

export interface RetentionReport {
  readonly engine: Engine;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly samples: StorageSample[];
  readonly requests?: number;
  readonly unexpected?: string[];
  readonly durationS?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Reads rows and bytes per table over a connection of its own. */
interface StorageProbe {
  sample(): Promise<{ rows: Record<Table, number>; bytes: Record<Table, number>; databaseBytes: number }>;
  /** What autovacuum does over time on PostgreSQL; nothing on SQLite (freed pages are reused as they are). */
  vacuum(): Promise<void>;
  close(): Promise<void>;
}

function sqliteProbe(file: string): StorageProbe {
  const db = new Database(file, { readonly: true });
  return {
    async sample() {
      const rows = {} as Record<Table, number>;
      const bytes = {} as Record<Table, number>;
      for (const table of TABLES) {
        rows[table] = Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
        const size = db.prepare(`select coalesce(sum(s.pgsize), 0) as b from dbstat s join sqlite_master m on m.name = s.name where m.tbl_name = ?`).get(table) as {
          b: number;
        };
        bytes[table] = Number(size.b);
      }
      const pages = Number(db.pragma('page_count', { simple: true })) - Number(db.pragma('freelist_count', { simple: true }));
      return { rows, bytes, databaseBytes: pages * Number(db.pragma('page_size', { simple: true })) };
    },
    async vacuum() {},
    async close() {
      db.close();
    },
  };
}

async function postgresProbe(url: string): Promise<StorageProbe> {
  const schema = new URL(url).searchParams.get('schema') ?? 'public';
  const base = new URL(url);
  base.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  await client.query(`set search_path to "${schema}"`);
  return {
    async sample() {
      const rows = {} as Record<Table, number>;
      const bytes = {} as Record<Table, number>;
      for (const table of TABLES) {
        rows[table] = Number((await client.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]?.n ?? 0);
        bytes[table] = Number((await client.query<{ b: string }>(`select pg_total_relation_size('"${schema}".${table}') as b`)).rows[0]?.b ?? 0);
      }
      const total = await client.query<{ b: string }>(
        `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as b from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'`,
        [schema],
      );
      return { rows, bytes, databaseBytes: Number(total.rows[0]?.b ?? 0) };
    },
    async vacuum() {
      await client.query('vacuum request_log, events');
    },
    async close() {
      await client.end();
    },
  };
}

/** A simulated tenant under Entra: who exists, who left and when, and the requests it sends. */
class EntraTenant {
  requests = 0;
  readonly unexpected: string[] = [];
  private next = 0;
  private readonly active: { id: string; userName: string; department: number }[] = [];
  private readonly leaving: { id: string; atMs: number }[] = [];
  private readonly groupIds: string[] = [];

  constructor(
    private readonly server: RosterServer,
    private readonly token: string,
    private readonly settings: RetentionSettings,
  ) {}

  private async send(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    this.requests += 1;
    const response = await this.server.app.inject({
      method,
      url: `/scim/v2${url}`,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/scim+json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (response.statusCode >= 400 && this.unexpected.length < 10) this.unexpected.push(`${method} ${url} → ${response.statusCode} ${response.body.slice(0, 200)}`);
    return { status: response.statusCode, json: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {} };
  }

  private lookup(userName: string) {
    return this.send('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  }

  async createDepartments(): Promise<void> {
    for (let d = 0; d < this.settings.departments; d++) {
      const name = `Department ${d}`;
      await this.send('GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`displayName eq "${name}"`)}`);
      const created = await this.send('POST', '/Groups', { schemas: [GROUP], displayName: name });
      this.groupIds.push(String(created.json['id']));
    }
  }

  /** A person joins: lookup, create, and (when `addToGroup`) the PATCH adding them to their department. */
  async join(addToGroup: boolean): Promise<{ id: string; department: number }> {
    const n = this.next++;
    const userName = `person${n}@contoso.example`;
    const department = n % this.settings.departments;
    await this.lookup(userName);
    const created = await this.send('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: `ext-${n}`,
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: userName }],
      name: { givenName: `Given${n}`, familyName: `Family${n}` },
      displayName: `Given${n} Family${n}`,
      title: 'Engineer',
      [ENTERPRISE]: { department: `Department ${department}`, employeeNumber: String(100000 + n) },
    });
    const id = String(created.json['id']);
    this.active.push({ id, userName, department });
    if (addToGroup) await this.addMembers(department, [id]);
    return { id, department };
  }

  async addMembers(department: number, ids: readonly string[]): Promise<void> {
    const groupId = this.groupIds[department];
    await this.send('PATCH', `/Groups/${groupId}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }] });
  }

  /** The initial cycle: everyone, then each department's members in PATCHes of 100. */
  async initialCycle(): Promise<void> {
    await this.createDepartments();
    for (let i = 0; i < this.settings.people; i++) await this.join(false);
    for (let d = 0; d < this.settings.departments; d++) {
      const ids = this.active.filter((p) => p.department === d).map((p) => p.id);
      for (let at = 0; at < ids.length; at += 100) await this.addMembers(d, ids.slice(at, at + 100));
    }
  }

  async leave(nowMs: number): Promise<void> {
    const [person] = this.active.splice(Math.floor(this.active.length / 2), 1);
    if (!person) return;
    await this.send('PATCH', `/Users/${person.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    this.leaving.push({ id: person.id, atMs: nowMs });
  }

  async update(k: number): Promise<void> {
    const person = this.active[k % this.active.length];
    if (!person) return;
    await this.lookup(person.userName);
    await this.send('PATCH', `/Users/${person.id}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'title', value: `Title ${k}` }] });
  }

  /** Leavers soft-deleted long enough ago are deleted for good. */
  async hardDeletes(nowMs: number): Promise<void> {
    while (this.leaving[0] && this.leaving[0].atMs <= nowMs - this.settings.hardDeleteAfterDays * DAY_MS) {
      const person = this.leaving.shift();
      if (person) await this.send('DELETE', `/Users/${person.id}`);
    }
  }
}

export async function runRetentionYear(engine: Engine, options: { pgUrl: string }, settings: RetentionSettings): Promise<RetentionReport> {
  const started = performance.now();
  let database: BenchDatabase | undefined;
  let server: RosterServer | undefined;
  let probe: StorageProbe | undefined;
  const samples: StorageSample[] = [];
  try {
    process.stderr.write(`${engine} (retention):\n`);
    database = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
    pendingCleanups.add(database.dispose);
    let clock = Date.UTC(2026, 0, 1);
    const config = loadConfig({
      DATABASE_URL: database.serverUrl,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_CREDENTIAL: '0',
      RATE_LIMIT_PER_IP: '0',
      // The pass is run by hand once a simulated day, on the simulated clock.
      RETENTION_INTERVAL_MS: '0',
      WEBHOOK_DELIVERY: 'off',
    });
    server = await createServer(config, { now: () => clock });
    const live = server;
    const tenant = await createTenant(live.rt, { slug: 'entra' });
    const token = (await issueCredential(live.rt, tenant.id, 'bearer', 'entra')).secret;
    probe = engine === 'sqlite' ? sqliteProbe(database.serverUrl) : await postgresProbe(database.serverUrl);
    const storage = probe;
    const entra = new EntraTenant(live, token, settings);

    const measure = async (day: number) => {
      await live.requestLog.flush();
      await live.retention.runNow();
      if (engine === 'postgres') await storage.vacuum();
      const eventsWritten = await live.store.read({ tenantId: tenant.id }, (repos) => repos.events.lastSeq());
      samples.push({ day, requests: entra.requests, eventsWritten, ...(await storage.sample()) });
    };

    progress(`initial cycle: ${settings.people.toLocaleString('en-US')} people, ${settings.departments} departments`);
    await entra.initialCycle();
    await measure(0);

    const cyclesPerDay = (24 * 60) / settings.cycleMinutes;
    const perCycle = (percentPerMonth: number) => (settings.people * percentPerMonth) / 100 / (30 * cyclesPerDay);
    const owed = { join: 0, leave: 0, update: 0 };
    let updates = 0;
    const cycles = Math.round(settings.days * cyclesPerDay);
    const start = clock;
    progress(`${cycles.toLocaleString('en-US')} incremental cycles over ${settings.days} simulated days; storage read every ${settings.sampleEveryDays} days`);
    for (let cycle = 1; cycle <= cycles; cycle++) {
      clock = start + cycle * settings.cycleMinutes * 60_000;
      owed.join += perCycle(settings.churnPercentPerMonth);
      owed.leave += perCycle(settings.churnPercentPerMonth);
      owed.update += perCycle(settings.updatesPercentPerMonth);
      for (; owed.join >= 1; owed.join -= 1) await entra.join(true);
      for (; owed.leave >= 1; owed.leave -= 1) await entra.leave(clock);
      for (; owed.update >= 1; owed.update -= 1) await entra.update(updates++);
      await entra.hardDeletes(clock);
      if (cycle % Math.round(cyclesPerDay) === 0) {
        const day = Math.round((clock - start) / DAY_MS);
        await live.requestLog.flush();
        if (day % settings.sampleEveryDays === 0 || cycle + Math.round(cyclesPerDay) > cycles) {
          await measure(day);
          const last = samples.at(-1);
          if (last) progress(`day ${day}: ${JSON.stringify(last)}`);
        } else {
          await live.retention.runNow();
        }
      }
    }
    return { engine, status: 'ok', samples, requests: entra.requests, unexpected: entra.unexpected, durationS: (performance.now() - started) / 1000 };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} retention scenario failed: ${message}\n`);
    return { engine, status: 'failed', error: message, samples };
  } finally {
    await probe?.close().catch(() => {});
    await server?.close().catch(() => {});
    if (database) {
      await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} database failed: ${String(e)}\n`));
      pendingCleanups.delete(database.dispose);
    }
  }
}

const MB = 1024 * 1024;

/** Storage per table at each sample, and the growth over the last 90 days (steady state: about none). */
export function renderRetention(reports: readonly RetentionReport[], settings: RetentionSettings): string {
  const lines = [
    `Retention: ${settings.days} simulated days of Entra cycles every ${settings.cycleMinutes} min, ${settings.people.toLocaleString('en-US')} people, ` +
      `churn ${settings.churnPercentPerMonth}%/month, updates ${settings.updatesPercentPerMonth}%/month; log kept 30 days, delivered events 90 days`,
    '',
  ];
  for (const r of reports) {
    if (r.status !== 'ok') {
      lines.push(`${r.engine}: failed: ${(r.error ?? '').split('\n')[0] ?? ''}`, '');
      continue;
    }
    lines.push(
      `${r.engine} (${r.requests?.toLocaleString('en-US')} requests in ${r.durationS?.toFixed(0)} s${r.unexpected && r.unexpected.length > 0 ? `; unexpected answers: ${r.unexpected.slice(0, 2).join(' | ')}` : ''})`,
    );
    lines.push(['day', 'requests', 'events written', 'log rows', 'log MB', 'event rows', 'events MB', 'people', 'people MB', 'members', 'database MB'].join(' | '));
    for (const s of r.samples) {
      lines.push(
        [
          s.day,
          s.requests.toLocaleString('en-US'),
          s.eventsWritten.toLocaleString('en-US'),
          s.rows.request_log.toLocaleString('en-US'),
          (s.bytes.request_log / MB).toFixed(1),
          s.rows.events.toLocaleString('en-US'),
          (s.bytes.events / MB).toFixed(1),
          s.rows.users.toLocaleString('en-US'),
          ((s.bytes.users + s.bytes.user_emails) / MB).toFixed(1),
          s.rows.group_members.toLocaleString('en-US'),
          (s.databaseBytes / MB).toFixed(1),
        ].join(' | '),
      );
    }
    const last = r.samples.at(-1);
    const earlier = [...r.samples].reverse().find((s) => last && s.day <= last.day - 90);
    if (last && earlier) {
      const growth = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / Math.max(a, 1)) * 100).toFixed(0)}%`;
      lines.push(
        `steady state, day ${earlier.day} → ${last.day}: log rows ${growth(earlier.rows.request_log, last.rows.request_log)}, event rows ${growth(earlier.rows.events, last.rows.events)}, ` +
          `database ${growth(earlier.databaseBytes, last.databaseBytes)}; without retention the log would hold ${last.requests.toLocaleString('en-US')} rows and the outbox ${last.eventsWritten.toLocaleString('en-US')}`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
