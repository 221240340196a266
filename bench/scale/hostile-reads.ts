/**
 * Hostile reads: can one client's read make another client wait? On a server of its own, with a
 * tenant of `people` (1,000,000 in a full run) seeded by bench/seed.ts and a small second tenant:
 *
 *   1. idle baselines: the other tenant's `userName eq` lookups and GET /healthz, nothing else running;
 *   2. the console's own API at that size (people list and its next page, search, a person, groups,
 *      folders, pending references, possible duplicates, the provisioning log, the overview), p95;
 *   3. a fuzz of the filter grammar (src/testing/filter-shapes.ts, every shape or a fixed sample of
 *      them) against the large tenant, one request each, to find the slowest filters;
 *   4. the hostile phase: the slowest filters found, the filters known to have been quadratic, the
 *      broadest console searches, deep startIndex pages and the duplicates view, sent in a loop by
 *      several clients, *while* the other tenant's lookups and /healthz are measured again;
 *   5. a /Bulk import of `bulk.people` people (250 operations per request) into a third tenant while
 *      the console's pages are read, p95.
 *
 * Every hostile read must be answered or refused (400, 503) within the read budget; nothing here
 * asserts: the verdicts are printed and written to the JSON report like the other scenarios'.
 */
import { SCIM_HEADERS, oktaUser, scatter } from '../fixtures.js';
import { HttpClient, type HttpAnswer } from '../load.js';
import { startServer, type RunningServer } from '../child.js';
import { pendingCleanups, postgresDatabase, sqliteDatabase, type BenchDatabase } from '../databases.js';
import { observe, progress } from '../observe.js';
import type { Engine, Observed } from '../report.js';
import { createTemplates, seededIdentity, TenantSeeder } from '../seed.js';
import { filterShapes } from '../../src/testing/filter-shapes.js';
import { boundedLoop, filterParam, KindRecorder, ScimSession, status, totalResults, type KindResult } from './session.js';

export interface HostileSettings {
  readonly mode: 'quick' | 'full';
  /** People in the large tenant. */
  readonly people: number;
  /** People in the other tenant, whose lookups are measured. */
  readonly otherPeople: number;
  readonly seedChunk: number;
  /** No request waits longer than this for its answer (then it counts as stalled). */
  readonly requestTimeoutMs: number;
  readonly quietWaitMs: number;
  readonly idle: { readonly lookups: number; readonly lookupClients: number; readonly healthz: number };
  readonly console: { readonly reps: number };
  /** Every `stride`-th filter shape of the grammar is sent once, by `clients` clients. */
  readonly fuzz: { readonly stride: number; readonly clients: number; readonly slowest: number };
  readonly hostile: { readonly durationMs: number; readonly clients: number; readonly lookupClients: number };
  readonly bulk: { readonly people: number; readonly opsPerRequest: number; readonly clients: number; readonly maxMs: number };
  readonly targets: {
    /** Every hostile read answered or refused within this long. */
    readonly readBudgetMs: number;
    /** The other tenant's lookup p99 under hostile reads, as a multiple of its idle p99. */
    readonly lookupP99Factor: number;
    readonly healthzP99Ms: number;
    readonly consoleP95Ms: number;
    readonly consoleDuringBulkP95Ms: number;
  };
}

export function hostileSettingsFor(quick: boolean): HostileSettings {
  const targets = { readBudgetMs: 2000, lookupP99Factor: 2, healthzP99Ms: 50, consoleP95Ms: 300, consoleDuringBulkP95Ms: 1000 };
  return quick
    ? {
        mode: 'quick',
        people: 20_000,
        otherPeople: 2_000,
        seedChunk: 10_000,
        requestTimeoutMs: 60_000,
        quietWaitMs: 0,
        idle: { lookups: 2_000, lookupClients: 4, healthz: 1_000 },
        console: { reps: 5 },
        fuzz: { stride: 3, clients: 2, slowest: 8 },
        hostile: { durationMs: 8_000, clients: 4, lookupClients: 4 },
        bulk: { people: 5_000, opsPerRequest: 250, clients: 2, maxMs: 120_000 },
        targets,
      }
    : {
        mode: 'full',
        people: 1_000_000,
        otherPeople: 10_000,
        seedChunk: 50_000,
        requestTimeoutMs: 120_000,
        quietWaitMs: 10_000,
        idle: { lookups: 8_000, lookupClients: 4, healthz: 4_000 },
        console: { reps: 20 },
        fuzz: { stride: 6, clients: 2, slowest: 10 },
        hostile: { durationMs: 30_000, clients: 4, lookupClients: 4 },
        bulk: { people: 100_000, opsPerRequest: 250, clients: 2, maxMs: 900_000 },
        targets,
      };
}

export interface FuzzedFilter {
  readonly filter: string;
  readonly ms: number;
  readonly status: string;
}

export interface HostileVerdict {
  readonly name: string;
  readonly actual: number;
  readonly target: number;
  readonly unit: string;
  readonly pass: boolean;
  readonly detail?: string;
}

export interface HostileReport {
  readonly engine: Engine;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly database?: string;
  readonly people?: number;
  readonly seedSeconds?: number;
  readonly idle?: Observed<{ lookups: KindResult; healthz: KindResult }>;
  readonly consolePages?: Observed<Record<string, KindResult>>;
  readonly fuzz?: { readonly shapes: number; readonly statuses: Record<string, number>; readonly slowest: readonly FuzzedFilter[]; readonly durationMs: number };
  readonly hostile?: Observed<{ reads: Record<string, KindResult>; lookups: KindResult; healthz: KindResult }>;
  readonly bulk?: Observed<{ import: KindResult; people: number; seconds: number; consolePages: Record<string, KindResult>; consoleAll: KindResult }>;
  readonly verdicts: HostileVerdict[];
  readonly problems: string[];
  readonly durationS: number;
}

export interface HostileRunOptions {
  readonly engine: Engine;
  readonly pgUrl: string;
  readonly root: string;
  readonly poolSize: number;
  readonly logLevel: string;
  readonly serverEnv: Readonly<Record<string, string>>;
}

const BIG = 'big';
const OTHER = 'other';
const BULK = 'bulk';
const ADMIN_EMAIL = 'bench-operator@example.com';
const ADMIN_PASSWORD = 'bench-operator-password';

/** Reads the console's admin API as a signed-in operator, recording each page under a kind. */
class ConsoleSession {
  private constructor(
    private readonly client: HttpClient,
    private readonly cookie: string,
    private readonly recorder: KindRecorder,
    private readonly timeoutMs: number,
  ) {}

  /** `connections`: as many as the clients that share the session, so none waits in the load generator for another's answer. */
  static async signIn(port: number, recorder: KindRecorder, timeoutMs: number, connections = 1): Promise<ConsoleSession> {
    const client = new HttpClient(port, connections);
    const answer = await client.send({
      method: 'POST',
      path: '/admin/api/v1/session',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    const cookie = (answer.headers['set-cookie'] ?? '').split(';')[0] ?? '';
    if (answer.status !== 200 || cookie === '') throw new Error(`console sign-in answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    return new ConsoleSession(client, cookie, recorder, timeoutMs);
  }

  withRecorder(recorder: KindRecorder): ConsoleSession {
    return new ConsoleSession(this.client, this.cookie, recorder, this.timeoutMs);
  }

  async get(kind: string, path: string, ok: (answer: HttpAnswer) => boolean = (a) => a.status === 200): Promise<HttpAnswer | undefined> {
    return timedSend(this.recorder, kind, this.timeoutMs, () => this.client.send({ method: 'GET', path, headers: { cookie: this.cookie } }), ok, path);
  }

  close(): void {
    this.client.close();
  }
}

/** Sends one request, records its latency and outcome under `kind`; a request past `timeoutMs` is a stall. */
async function timedSend(
  recorder: KindRecorder,
  kind: string,
  timeoutMs: number,
  send: () => Promise<HttpAnswer>,
  ok: (answer: HttpAnswer) => boolean,
  label: string,
): Promise<HttpAnswer | undefined> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      send(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
      }),
    ]);
    recorder.record(kind, performance.now() - t0, String(answer.status), ok(answer), () => `${label.slice(0, 160)} → ${answer.status} ${answer.body.slice(0, 300)}`);
    return answer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    recorder.record(kind, performance.now() - t0, `error:${code}`, false, () => `${label.slice(0, 160)}: ${String(error)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The console pages an admin opens for a tenant, by kind. */
function consolePages(slug: string, personId: string, nextCursor: string | null): { kind: string; path: string }[] {
  const api = `/admin/api/v1/tenants/${slug}`;
  return [
    { kind: 'overview (tenants)', path: '/admin/api/v1/tenants' },
    { kind: 'tenant', path: api },
    { kind: 'people, first page', path: `${api}/people?limit=50` },
    ...(nextCursor ? [{ kind: 'people, next page', path: `${api}/people?limit=50&cursor=${encodeURIComponent(nextCursor)}` }] : []),
    { kind: 'people, active only', path: `${api}/people?limit=50&status=active` },
    { kind: 'search "hopper"', path: `${api}/people?limit=50&q=hopper` },
    { kind: 'search one userName', path: `${api}/people?limit=50&q=${encodeURIComponent(seededIdentity(BIG, 123_457).userName)}` },
    { kind: 'search no match', path: `${api}/people?limit=50&q=nomatchatall` },
    { kind: 'person', path: `${api}/people/${personId}` },
    { kind: 'groups', path: `${api}/groups?limit=50` },
    { kind: 'folders', path: `${api}/folders` },
    { kind: 'pending', path: `${api}/pending?limit=50` },
    { kind: 'possible duplicates', path: `${api}/duplicates?limit=25` },
    { kind: 'provisioning log', path: `${api}/log?limit=50` },
    { kind: 'settings', path: `${api}/settings` },
  ];
}

/** One request of the hostile phase. */
interface HostileRead {
  readonly kind: string;
  readonly send: (scim: ScimSession, console: ConsoleSession) => Promise<unknown>;
}

/** Answered (200) or refused with a clear error (400 too costly, 503 past the deadline): not a stall. */
const answeredOrRefused = status(200, 400, 503);

function hostileReads(fuzzed: readonly FuzzedFilter[], people: number): HostileRead[] {
  const scim = (kind: string, path: string): HostileRead => ({ kind, send: (s) => s.send(kind, 'GET', path, undefined, answeredOrRefused) });
  const filter = (kind: string, expression: string) => scim(kind, `/Users?${filterParam(expression)}&startIndex=1&count=100`);
  const page = (kind: string, path: string): HostileRead => ({ kind, send: (_s, c) => c.get(kind, path, answeredOrRefused) });
  const api = `/admin/api/v1/tenants/${BIG}`;
  return [
    filter('not (emails.type eq "work")', 'not (emails.type eq "work")'),
    filter('not (emails.primary pr)', 'not (emails.primary pr)'),
    filter('title co (no index)', 'title co "engineer"'),
    filter('emails.value ew', 'emails.value ew "ample.com"'),
    filter('50-term or chain', Array.from({ length: 50 }, (_, i) => `displayName co "x${i}"`).join(' or ')),
    scim('startIndex at 90%', `/Users?startIndex=${Math.floor(people * 0.9)}&count=100`),
    scim('sortBy displayName, deep', `/Users?sortBy=displayName&startIndex=${Math.floor(people / 2)}&count=100`),
    page('console search "@example.com"', `${api}/people?limit=50&q=${encodeURIComponent('@example.com')}`),
    page('console search "a"', `${api}/people?limit=50&q=a`),
    page('console search "ada hopper"', `${api}/people?limit=50&q=${encodeURIComponent('ada hopper')}`),
    page('console duplicates', `${api}/duplicates?limit=100`),
    ...fuzzed.map((f, i) => filter(`fuzz #${i + 1}: ${f.filter.slice(0, 60)}`, f.filter)),
  ];
}

export async function runHostileEngine(options: HostileRunOptions, settings: HostileSettings): Promise<HostileReport> {
  const { engine } = options;
  const started = performance.now();
  const problems: string[] = [];
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  let seeder: TenantSeeder | undefined;
  const partial: { -readonly [K in keyof HostileReport]?: HostileReport[K] } = {};
  try {
    process.stderr.write(`${engine} (hostile reads):\n`);
    database = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
    const db = database;
    pendingCleanups.add(db.dispose);
    server = await startServer({
      databaseUrl: db.serverUrl,
      poolSize: options.poolSize,
      logLevel: options.logLevel,
      env: { ...options.serverEnv, BENCH_ADMIN: `${ADMIN_EMAIL} ${ADMIN_PASSWORD}` },
      tenants: [BIG, OTHER, BULK],
      cwd: options.root,
    });
    const live = server;
    partial.database = db.description;
    progress(`server pid ${live.pid} on 127.0.0.1:${live.port}; database: ${db.description}`);
    const tenantId = (slug: string) => live.tenantIds[slug] ?? '';
    const token = (slug: string) => live.tokens[slug] ?? '';
    const observed = <T>(label: string, run: () => Promise<T>) => observe(live, label, settings.quietWaitMs, run);

    // Seed: the large tenant and the other one, by SQL (bench/seed.ts).
    const opened = await TenantSeeder.open(engine, db.serverUrl);
    seeder = opened;
    const bigTemplates = await createTemplates(live.port, token(BIG), tenantId(BIG), BIG);
    const otherTemplates = await createTemplates(live.port, token(OTHER), tenantId(OTHER), OTHER);
    await opened.learn(bigTemplates);
    await opened.learn(otherTemplates);
    const bigSeeded = settings.people - bigTemplates.ids.length;
    const otherSeeded = settings.otherPeople - otherTemplates.ids.length;
    progress(`seed: ${BIG} to ${settings.people.toLocaleString('en-US')} people, ${OTHER} to ${settings.otherPeople.toLocaleString('en-US')}`);
    const t0 = performance.now();
    await opened.clone(bigTemplates, 0, bigSeeded, settings.seedChunk);
    await opened.clone(otherTemplates, 0, otherSeeded, settings.seedChunk);
    await opened.settle();
    partial.seedSeconds = (performance.now() - t0) / 1000;
    partial.people = settings.people;
    const [personId] = await opened.ids(tenantId(BIG), BIG, Math.floor(bigSeeded / 3), 1);
    await opened.close();
    seeder = undefined;

    const otherLookup = (session: ScimSession, n: number) =>
      session.send(
        'other tenant userName eq',
        'GET',
        `/Users?${filterParam(`userName eq "${seededIdentity(OTHER, scatter(n, otherSeeded)).userName}"`)}&startIndex=1&count=100`,
        undefined,
        totalResults(1),
      );
    const healthzLoop = async (recorder: KindRecorder, until: () => boolean, maxOps: number) => {
      const client = new HttpClient(live.port, 1);
      try {
        for (let n = 0; n < maxOps && !until(); n++) {
          await timedSend(recorder, 'healthz', settings.requestTimeoutMs, () => client.send({ method: 'GET', path: '/healthz' }), status(200), '/healthz');
        }
      } finally {
        client.close();
      }
    };

    // 1. Idle baselines
    progress(`idle: ${settings.idle.lookups} lookups in ${OTHER} (${settings.idle.lookupClients} clients), then ${settings.idle.healthz} /healthz (1 client)`);
    partial.idle = await observed('hostile-idle', async () => {
      const recorder = new KindRecorder();
      const session = new ScimSession(live.port, token(OTHER), settings.idle.lookupClients, recorder, settings.requestTimeoutMs);
      try {
        // As many unmeasured first, so V8 has optimised the lookup path before the baseline.
        await boundedLoop({ clients: settings.idle.lookupClients, maxOps: settings.idle.lookups, maxMs: 120_000 }, async (n) => {
          await otherLookup(session, n);
        });
        const measured = new KindRecorder();
        const timed = new ScimSession(live.port, token(OTHER), settings.idle.lookupClients, measured, settings.requestTimeoutMs);
        try {
          await boundedLoop({ clients: settings.idle.lookupClients, maxOps: settings.idle.lookups, maxMs: 120_000 }, async (n) => {
            await otherLookup(timed, n + 1);
          });
          await healthzLoop(measured, () => false, settings.idle.healthz);
        } finally {
          timed.close();
        }
        const results = measured.results();
        return { lookups: mustHave(results, 'other tenant userName eq'), healthz: mustHave(results, 'healthz') };
      } finally {
        session.close();
      }
    });

    // 2. The console's pages at this size
    const pageRecorder = new KindRecorder();
    const consoleSession = await ConsoleSession.signIn(live.port, pageRecorder, settings.requestTimeoutMs);
    try {
      const first = await consoleSession.withRecorder(new KindRecorder()).get('first page', `/admin/api/v1/tenants/${BIG}/people?limit=50`);
      const nextCursor = first?.status === 200 ? ((JSON.parse(first.body) as { nextCursor?: string | null }).nextCursor ?? null) : null;
      const pages = consolePages(BIG, personId ?? 'missing', nextCursor);
      progress(`console pages at ${settings.people.toLocaleString('en-US')} people: ${pages.length} pages × ${settings.console.reps}`);
      partial.consolePages = await observed('hostile-console', async () => {
        for (let rep = 0; rep < settings.console.reps; rep++) for (const p of pages) await consoleSession.get(p.kind, p.path);
        return pageRecorder.results();
      });

      // 3. Fuzz of the filter grammar
      const shapes = filterShapes('users').filter((_, i) => i % settings.fuzz.stride === 0);
      progress(`fuzz: ${shapes.length} filter shapes against ${BIG}, ${settings.fuzz.clients} clients`);
      const fuzzStarted = performance.now();
      const fuzzed: FuzzedFilter[] = [];
      const fuzzStatuses: Record<string, number> = {};
      const member = personId ?? 'missing';
      {
        const client = new HttpClient(live.port, settings.fuzz.clients);
        const headers = { ...SCIM_HEADERS, authorization: `Bearer ${token(BIG)}` };
        const recorder = new KindRecorder();
        try {
          await boundedLoop({ clients: settings.fuzz.clients, maxOps: shapes.length, maxMs: 3_600_000 }, async (n) => {
            const filter = (shapes[n]?.filter ?? '').replaceAll('{member}', member);
            const t = performance.now();
            const answer = await timedSend(
              recorder,
              'fuzz',
              settings.requestTimeoutMs,
              () => client.send({ method: 'GET', path: `/scim/v2/Users?${filterParam(filter)}&startIndex=1&count=100`, headers }),
              answeredOrRefused,
              filter,
            );
            const code = answer ? String(answer.status) : 'no answer';
            fuzzStatuses[code] = (fuzzStatuses[code] ?? 0) + 1;
            fuzzed.push({ filter, ms: performance.now() - t, status: code });
          });
        } finally {
          client.close();
        }
      }
      fuzzed.sort((a, b) => b.ms - a.ms);
      const slowest = fuzzed.slice(0, settings.fuzz.slowest);
      partial.fuzz = { shapes: shapes.length, statuses: fuzzStatuses, slowest, durationMs: performance.now() - fuzzStarted };
      for (const f of fuzzed) if (!['200', '400', '503'].includes(f.status)) problems.push(`fuzz: ${f.filter} → ${f.status}`);

      // 4. Hostile reads while the other tenant and /healthz are measured
      const reads = hostileReads(slowest, settings.people);
      progress(
        `hostile: ${reads.length} kinds of read, ${settings.hostile.clients} clients, for ${settings.hostile.durationMs / 1000} s, with ${OTHER}'s lookups (${settings.hostile.lookupClients} clients) and /healthz (1 client)`,
      );
      partial.hostile = await observed('hostile-reads', async () => {
        const recorder = new KindRecorder();
        const scim = new ScimSession(live.port, token(BIG), settings.hostile.clients, recorder, settings.requestTimeoutMs);
        // One connection per hostile client: with one between four, a console read waited in the load
        // generator behind the others' (3.6 and 5.4 s measured, each read refused at 1.8 s).
        const hostileConsole = await ConsoleSession.signIn(live.port, recorder, settings.requestTimeoutMs, settings.hostile.clients);
        const witness = new KindRecorder();
        const lookups = new ScimSession(live.port, token(OTHER), settings.hostile.lookupClients, witness, settings.requestTimeoutMs);
        let hostileDone = false;
        try {
          const hostile = boundedLoop({ clients: settings.hostile.clients, maxOps: 1_000_000, maxMs: settings.hostile.durationMs }, async (n) => {
            const read = reads[n % reads.length];
            if (read) await read.send(scim, hostileConsole);
          }).finally(() => {
            hostileDone = true;
          });
          const measuredLookups = boundedLoop({ clients: settings.hostile.lookupClients, maxOps: 10_000_000, maxMs: settings.hostile.durationMs }, async (n) => {
            if (!hostileDone) await otherLookup(lookups, n + 7);
          });
          await Promise.all([hostile, measuredLookups, healthzLoop(witness, () => hostileDone, 10_000_000)]);
          const seen = witness.results();
          return { reads: recorder.results(), lookups: mustHave(seen, 'other tenant userName eq'), healthz: mustHave(seen, 'healthz') };
        } finally {
          scim.close();
          hostileConsole.close();
          lookups.close();
        }
      });

      // 5. A /Bulk import while the console is read
      const b = settings.bulk;
      progress(
        `bulk: ${b.people.toLocaleString('en-US')} people into ${BULK} by /Bulk (${b.opsPerRequest} per request, ${b.clients} clients), console pages read meanwhile`,
      );
      partial.bulk = await observed('hostile-bulk', async () => {
        const importRecorder = new KindRecorder();
        const session = new ScimSession(live.port, token(BULK), b.clients, importRecorder, settings.requestTimeoutMs);
        const duringRecorder = new KindRecorder();
        const allRecorder = new KindRecorder();
        const during = consoleSession.withRecorder(duringRecorder);
        const requests = Math.ceil(b.people / b.opsPerRequest);
        let importing = true;
        const t = performance.now();
        try {
          const load = boundedLoop({ clients: b.clients, maxOps: requests, maxMs: b.maxMs }, async (n) => {
            const operations = Array.from({ length: Math.min(b.opsPerRequest, b.people - n * b.opsPerRequest) }, (_, k) => {
              const index = n * b.opsPerRequest + k;
              return { method: 'POST', path: '/Users', bulkId: `u${index}`, data: oktaUser(BULK, index) };
            });
            await session.send('bulk import', 'POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations }, status(200));
          }).finally(() => {
            importing = false;
          });
          const reader = (async () => {
            const pages = [...consolePages(BULK, 'missing', null).filter((p) => p.kind !== 'person'), ...consolePages(BIG, personId ?? 'missing', null).slice(2, 6)];
            for (let n = 0; importing; n++) {
              const p = pages[n % pages.length];
              if (!p) break;
              const t1 = performance.now();
              const answer = await during.get(p.kind, p.path);
              allRecorder.record('all pages', performance.now() - t1, answer ? String(answer.status) : 'no answer', answer?.status === 200, () => p.path);
            }
          })();
          await Promise.all([load, reader]);
          const seconds = (performance.now() - t) / 1000;
          return {
            import: mustHave(importRecorder.results(), 'bulk import'),
            people: b.people,
            seconds,
            consolePages: duringRecorder.results(),
            consoleAll: mustHave(allRecorder.results(), 'all pages'),
          };
        } finally {
          session.close();
        }
      });
    } finally {
      consoleSession.close();
    }

    await live.stop();
    server = undefined;
    const loud = Object.entries(live.log.levels).filter(([level]) => !['trace', 'debug', 'info'].includes(level));
    if (loud.length > 0) problems.push(`server log: ${loud.map(([l, n]) => `${n} ${l}`).join(', ')}; first: ${live.log.lines.slice(0, 3).join(' | ')}`);
    const report = { engine, status: 'ok' as const, ...partial, durationS: (performance.now() - started) / 1000, problems, verdicts: [] };
    return { ...report, verdicts: verdictsOf(report, settings), problems: [...problems, ...problemsOf(report)] };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} (hostile reads) failed: ${message}\n`);
    // What the server said last is the likeliest explanation of a server that went away.
    const said = server ? [...server.log.lines, ...server.log.tail].slice(-10) : [];
    if (said.length > 0) process.stderr.write(`server log (last lines):\n${said.join('\n')}\n`);
    return {
      engine,
      status: 'failed',
      error: message,
      ...partial,
      verdicts: [],
      problems: [...problems, ...said.map((l) => `server log: ${l}`)],
      durationS: (performance.now() - started) / 1000,
    };
  } finally {
    await seeder?.close().catch(() => {});
    if (server) await server.stop().catch(() => {});
    if (database) {
      await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} hostile-reads database failed: ${String(e)}\n`));
      pendingCleanups.delete(database.dispose);
    }
  }
}

function mustHave(results: Record<string, KindResult>, kind: string): KindResult {
  const result = results[kind];
  if (!result) throw new Error(`no ${kind} answers were recorded`);
  return result;
}

type Finished = Omit<HostileReport, 'verdicts'>;

function problemsOf(r: Finished): string[] {
  const out: string[] = [];
  const check = (scenario: string, kinds: Record<string, KindResult> | undefined) => {
    for (const [name, k] of Object.entries(kinds ?? {})) {
      if (k.ok !== k.count) out.push(`${scenario} ${name}: ${k.count - k.ok} of ${k.count} unexpected ${JSON.stringify(k.statuses)}; first: ${k.unexpected.join(' | ')}`);
    }
  };
  check('console', r.consolePages?.result);
  check('hostile', r.hostile?.result.reads);
  if (r.hostile) check('hostile', { lookups: r.hostile.result.lookups, healthz: r.hostile.result.healthz });
  if (r.bulk) check('bulk', { import: r.bulk.result.import, ...r.bulk.result.consolePages });
  return out;
}

function verdictsOf(r: Finished, settings: HostileSettings): HostileVerdict[] {
  const t = settings.targets;
  const out: HostileVerdict[] = [];
  const size = (r.people ?? 0).toLocaleString('en-US');
  const reads = r.hostile?.result.reads;
  if (reads) {
    const slowest = Object.entries(reads).reduce<[string, KindResult] | undefined>((w, e) => (!w || e[1].latencyMs.max > w[1].latencyMs.max ? e : w), undefined);
    const stalls = Object.values(reads).reduce((s, k) => s + (k.count - k.ok), 0);
    if (slowest) {
      out.push({
        name: `slowest hostile read answered or refused, ${size} people`,
        actual: slowest[1].latencyMs.max,
        target: t.readBudgetMs,
        unit: 'ms',
        pass: stalls === 0 && slowest[1].latencyMs.max <= t.readBudgetMs,
        detail: `${slowest[0]}${stalls > 0 ? `; ${stalls} not answered or 5xx` : ''}`,
      });
    }
  }
  const idle = r.idle?.result;
  const hostile = r.hostile?.result;
  if (idle && hostile) {
    out.push({
      name: `other tenant's lookup p99 under hostile reads ÷ idle`,
      actual: hostile.lookups.latencyMs.p99 / idle.lookups.latencyMs.p99,
      target: t.lookupP99Factor,
      unit: '×',
      pass: hostile.lookups.ok === hostile.lookups.count && hostile.lookups.latencyMs.p99 <= t.lookupP99Factor * idle.lookups.latencyMs.p99,
      detail: `${hostile.lookups.latencyMs.p99.toFixed(2)} ms vs ${idle.lookups.latencyMs.p99.toFixed(2)} ms idle; ${Math.round(hostile.lookups.okPerSecond)}/s vs ${Math.round(idle.lookups.okPerSecond)}/s`,
    });
    out.push({
      name: '/healthz p99 under hostile reads',
      actual: hostile.healthz.latencyMs.p99,
      target: t.healthzP99Ms,
      unit: 'ms',
      pass: hostile.healthz.ok === hostile.healthz.count && hostile.healthz.latencyMs.p99 <= t.healthzP99Ms,
      detail: `max ${hostile.healthz.latencyMs.max.toFixed(1)} ms; idle p99 ${idle.healthz.latencyMs.p99.toFixed(2)} ms`,
    });
  }
  const pages = r.consolePages?.result;
  if (pages) {
    const worst = Object.entries(pages).reduce<[string, KindResult] | undefined>((w, e) => (!w || e[1].latencyMs.p95 > w[1].latencyMs.p95 ? e : w), undefined);
    if (worst) {
      const p95 = worst[1].latencyMs.p95;
      out.push({
        name: `console pages p95 at ${size} people (slowest page)`,
        actual: p95,
        target: t.consoleP95Ms,
        unit: 'ms',
        pass: p95 <= t.consoleP95Ms,
        detail: worst[0],
      });
    }
  }
  const bulk = r.bulk?.result;
  if (bulk) {
    const worst = Object.entries(bulk.consolePages).reduce<[string, KindResult] | undefined>(
      (w, e) => (!w || e[1].latencyMs.p95 > w[1].latencyMs.p95 ? e : w),
      undefined,
    );
    if (worst) {
      const p95 = worst[1].latencyMs.p95;
      out.push({
        name: `console pages p95 during a ${bulk.people.toLocaleString('en-US')}-person /Bulk import (slowest page)`,
        actual: p95,
        target: t.consoleDuringBulkP95Ms,
        unit: 'ms',
        pass: p95 <= t.consoleDuringBulkP95Ms,
        detail: `${worst[0]}; import ${Math.round(bulk.people / bulk.seconds)} people/s, ${bulk.seconds.toFixed(1)} s`,
      });
    }
  }
  return out;
}

export function renderHostileReport(reports: readonly HostileReport[]): string {
  const lines: string[] = ['', 'Hostile reads (a large tenant read in the costliest ways while another tenant and /healthz are measured)', ''];
  for (const r of reports) {
    lines.push(
      `${r.engine}: ${r.status === 'ok' ? '' : `FAILED ${r.error?.split('\n')[0] ?? ''}`}${r.database ? ` ${r.database}` : ''}; ${(r.people ?? 0).toLocaleString('en-US')} people seeded in ${(r.seedSeconds ?? 0).toFixed(1)} s`,
    );
    const pages = r.consolePages?.result;
    if (pages) {
      lines.push('  console pages (idle)                     p50 ms    p95 ms    p99 ms');
      for (const [kind, k] of Object.entries(pages)) lines.push(`    ${kind.padEnd(36)} ${fmt(k.latencyMs.p50)} ${fmt(k.latencyMs.p95)} ${fmt(k.latencyMs.p99)}`);
    }
    if (r.fuzz) {
      lines.push(`  fuzz: ${r.fuzz.shapes} filter shapes in ${(r.fuzz.durationMs / 1000).toFixed(1)} s, statuses ${JSON.stringify(r.fuzz.statuses)}; slowest:`);
      for (const f of r.fuzz.slowest) lines.push(`    ${fmt(f.ms)} ms ${f.status}  ${f.filter.slice(0, 110)}`);
    }
    const h = r.hostile?.result;
    if (h) {
      lines.push('  hostile reads                              n    p50 ms    max ms  statuses');
      for (const [kind, k] of Object.entries(h.reads))
        lines.push(`    ${kind.slice(0, 36).padEnd(36)} ${String(k.count).padStart(4)} ${fmt(k.latencyMs.p50)} ${fmt(k.latencyMs.max)}  ${JSON.stringify(k.statuses)}`);
      const idle = r.idle?.result;
      lines.push(
        `  other tenant lookups: idle p99 ${idle ? idle.lookups.latencyMs.p99.toFixed(2) : '—'} ms (${idle ? Math.round(idle.lookups.okPerSecond) : '—'}/s), hostile p99 ${h.lookups.latencyMs.p99.toFixed(2)} ms (${Math.round(h.lookups.okPerSecond)}/s)`,
      );
      lines.push(
        `  /healthz: idle p99 ${idle ? idle.healthz.latencyMs.p99.toFixed(2) : '—'} ms, hostile p99 ${h.healthz.latencyMs.p99.toFixed(2)} ms, max ${h.healthz.latencyMs.max.toFixed(1)} ms`,
      );
    }
    const b = r.bulk?.result;
    if (b) {
      lines.push(
        `  /Bulk import: ${b.people.toLocaleString('en-US')} people in ${b.seconds.toFixed(1)} s (${Math.round(b.people / b.seconds)}/s; request p50 ${b.import.latencyMs.p50.toFixed(0)} ms, max ${b.import.latencyMs.max.toFixed(0)} ms); console pages meanwhile:`,
      );
      for (const [kind, k] of Object.entries(b.consolePages))
        lines.push(`    ${kind.padEnd(36)} ${fmt(k.latencyMs.p50)} ${fmt(k.latencyMs.p95)} ${fmt(k.latencyMs.p99)}`);
    }
    for (const v of r.verdicts)
      lines.push(
        `  ${v.pass ? 'PASS' : 'MISS'} ${v.name}: ${v.actual.toFixed(v.unit === '×' ? 2 : 1)} ${v.unit} (target ≤ ${v.target} ${v.unit})${v.detail ? ` — ${v.detail}` : ''}`,
      );
    for (const p of r.problems) lines.push(`  problem: ${p}`);
  }
  return lines.join('\n');
}

const fmt = (ms: number) => ms.toFixed(1).padStart(9);
