/**
 * `npm run bench [-- --quick] [-- --engine sqlite|postgres] [-- --cpu-prof] [-- --scale-only|--core-only|--members-only|--hostile-only] [-- --update-docs]`
 *
 * For each engine: starts bench/serve.ts in a child process on a fresh database (a SQLite file in
 * a temp directory; a fresh PostgreSQL schema), drives it over HTTP on 127.0.0.1 with a bounded
 * number of requests, measures the raw-driver and empty-route limits in the same run, prints a
 * table with each headline figure as a ratio to its limit and PASS/MISS against the targets, and
 * writes bench/results/<timestamp>.json and bench/results/latest.json. Measurement only: nothing
 * here asserts on time, and the exit code only says whether the run itself worked.
 *
 * Two parts, each on a server and database of its own: the core scenarios below (creates, lookups,
 * one large PATCH) and the scale scenarios (bench/scale/: initial sync, a 1,000,000-person tenant,
 * a 100,000-member group, paging, a mixed workload, memory), which reuse the core run's raw-driver
 * limits, and end with a chart of lookups against tenant size (bench/plot.ts). With the core part
 * run the member shapes (bench/member-shapes.ts: PATCH adding 1,000 members as Okta, Entra and
 * others send them, a page of 100 groups, with the SQL statements each request runs), also on a
 * server and database of their own; `--members-only` runs only those. With the scale part run the
 * hostile reads (bench/scale/hostile-reads.ts: the costliest reads of a 1,000,000-person tenant
 * while another tenant's lookups and /healthz are measured, the console's pages at that size and
 * during a /Bulk import), again on a server and database of their own; `--hostile-only` runs only those.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_SERVER_SETTINGS, killAllChildren, startServer, type RunningServer } from './child.js';
import { DEFAULT_PG_URL, pendingCleanups, postgresDatabase, sqliteDatabase, type BenchDatabase } from './databases.js';
import { measureRawLimits } from './limits.js';
import type { LoadResult } from './load.js';
import { machineInfo, waitForQuiet } from './machine.js';
import { observe, progress } from './observe.js';
import { writeScalePlot } from './plot.js';
import { okRate, renderReport, type BareFloor, type Engine, type EngineReport, type Observed, type Settings, type Verdict } from './report.js';
import { runScaleEngine } from './scale/run-scale.js';
import { renderScaleReport, type ScaleReport } from './scale/scale-report.js';
import { hostileSettingsFor, renderHostileReport, runHostileEngine, type HostileReport } from './scale/hostile-reads.js';
import { scaleSettingsFor } from './scale/settings.js';
import { creates, healthz, largePatch, lookups } from './scenarios.js';
import { memberShapeSettingsFor, renderMemberShapes, runMemberShapes, type MemberShapeReport } from './member-shapes.js';
import { renderMemoryGroup, runMemoryGroup, type MemoryGroupReport } from './memory-group.js';
import { renderRetention, retentionSettingsFor, runRetentionYear, type RetentionReport } from './retention-year.js';
import { renderTwoNodes, runTwoNodes, twoNodeSettingsFor, type TwoNodeReport } from './two-nodes.js';
import { peerShapeSettingsFor, renderPeerShape, runPeerShape, runPeerShapeExternal, type PeerShapeReport } from './peer-shape.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const RESULTS_DIR = join(BENCH_DIR, 'results');

// ---------------------------------------------------------------------------------------------
// Options and settings

interface Options {
  readonly quick: boolean;
  readonly engines: readonly Engine[];
  readonly cpuProf: boolean;
  readonly pgUrl: string;
  readonly core: boolean;
  readonly scale: boolean;
  /** The member-shape scenarios (bench/member-shapes.ts). */
  readonly members: boolean;
  /** The hostile reads (bench/scale/hostile-reads.ts). */
  readonly hostile: boolean;
  /** Peak memory while serving a 100,000-member group (bench/memory-group.ts). */
  readonly memory: boolean;
  /** A simulated year of Entra cycles against retention (bench/retention-year.ts). */
  readonly retention: boolean;
  /** The peer-shaped workload (bench/peer-shape.ts): on Roster, or on `peerUrl` when given. */
  readonly peerShape: boolean;
  readonly peerUrl?: string;
  readonly peerToken?: string;
  /** Throughput with one and with two Roster processes on one PostgreSQL (bench/two-nodes.ts). */
  readonly twoNodes: boolean;
  readonly updateDocs: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--engine sqlite|postgres] [--scale-only|--core-only|--members-only|--hostile-only] [--memory] [--retention] [--peer-shape [--peer-url URL --peer-token T]] [--two-nodes] [--cpu-prof] [--update-docs] [--pg-url postgres://…]
  --quick        smaller counts (everything, both engines, in under two minutes)
  --engine       one engine only (default: sqlite and postgres)
  --core-only    only the core scenarios (creates, lookups, one large PATCH, the member shapes)
  --members-only only the member shapes (PATCH of 1,000 members as each IdP sends them, a page of 100 groups)
  --scale-only   only the scale scenarios (initial sync, large tenant, large group, paging, mixed workload, memory, hostile reads)
  --hostile-only only the hostile reads (costliest reads of a 1,000,000-person tenant while another tenant is measured)
  --memory       only the server's peak memory while serving a 100,000-member group (with --retention: both)
  --retention    only a simulated year of Entra cycles for a 10,000-person tenant: storage growth under retention
  --peer-shape   only the peer-shaped workload: 2,000 creates ×1, 2,000 ×8, 4,000 cold lookups ×8, one PATCH of
                 1,000 members, 3 rounds on fresh servers; then /healthz and warm lookups on the same server
  --peer-url     with --peer-shape: send the four phases once to another SCIM server on 127.0.0.1 instead
  --peer-token   its bearer token
  --two-nodes    only creates and lookups on one, then two Roster processes sharing one PostgreSQL database
  --cpu-prof     CPU-profile the server child per scenario (bench/results/profiles/) and print summaries
  --update-docs  also write the scale chart to docs/performance-scale.png
  --pg-url       PostgreSQL base URL (default $BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test)
`;

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let cpuProf = false;
  let core = true;
  let scale = true;
  let membersOnly = false;
  let hostileOnly = false;
  let memoryOnly = false;
  let retentionOnly = false;
  let updateDocs = false;
  let peerShape = false;
  let twoNodes = false;
  let peerUrl: string | undefined;
  let peerToken: string | undefined;
  let engines: Engine[] = ['sqlite', 'postgres'];
  let pgUrl = DEFAULT_PG_URL;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--quick') quick = true;
    else if (flag === '--cpu-prof') cpuProf = true;
    else if (flag === '--scale-only') core = false;
    else if (flag === '--core-only') scale = false;
    else if (flag === '--members-only') membersOnly = true;
    else if (flag === '--hostile-only') hostileOnly = true;
    else if (flag === '--memory') memoryOnly = true;
    else if (flag === '--retention') retentionOnly = true;
    else if (flag === '--update-docs') updateDocs = true;
    else if (flag === '--peer-shape') peerShape = true;
    else if (flag === '--two-nodes') twoNodes = true;
    else if (flag === '--peer-url') peerUrl = value();
    else if (flag === '--peer-token') peerToken = value();
    else if (flag === '--engine') {
      const engine = value();
      if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`--engine takes sqlite or postgres, not "${engine}"`);
      engines = [engine];
    } else if (flag === '--pg-url') pgUrl = value();
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  if (!core && !scale) throw new Error(`--scale-only and --core-only exclude each other\n${USAGE}`);
  if ([membersOnly, hostileOnly, memoryOnly || retentionOnly].filter((x) => x).length > 1)
    throw new Error(`--members-only, --hostile-only and --memory/--retention exclude each other\n${USAGE}`);
  if ((peerUrl !== undefined || peerToken !== undefined) && !peerShape) throw new Error(`--peer-url and --peer-token go with --peer-shape\n${USAGE}`);
  if (peerUrl !== undefined && !peerToken) throw new Error(`--peer-url needs --peer-token\n${USAGE}`);
  const none = { core: false, scale: false, members: false, hostile: false, memory: false, retention: false, peerShape: false, twoNodes: false };
  if (twoNodes) {
    if (peerShape || membersOnly || hostileOnly || memoryOnly || retentionOnly) throw new Error(`--two-nodes runs alone\n${USAGE}`);
    return { quick, engines: ['postgres'], cpuProf, pgUrl, ...none, twoNodes: true, updateDocs };
  }
  if (peerShape) {
    if (membersOnly || hostileOnly || memoryOnly || retentionOnly) throw new Error(`--peer-shape runs alone\n${USAGE}`);
    return { quick, engines, cpuProf, pgUrl, ...none, peerShape: true, ...(peerUrl ? { peerUrl, peerToken: peerToken ?? '' } : {}), updateDocs };
  }
  if (memoryOnly || retentionOnly) return { quick, engines, cpuProf, pgUrl, ...none, memory: memoryOnly, retention: retentionOnly, updateDocs };
  if (membersOnly) return { quick, engines, cpuProf, pgUrl, ...none, members: true, updateDocs };
  if (hostileOnly) return { quick, engines, cpuProf, pgUrl, ...none, hostile: true, updateDocs };
  // A whole run (no -only option) includes them; --core-only and --scale-only do not (the hostile reads come with the scale part).
  const whole = core && scale;
  return {
    quick,
    engines,
    cpuProf,
    pgUrl,
    core,
    scale,
    members: core,
    hostile: scale,
    memory: whole,
    retention: whole,
    peerShape: whole,
    twoNodes: whole && engines.includes('postgres'),
    updateDocs,
  };
}

function settingsFor(quick: boolean): Settings {
  const shared = {
    createClients: [1, 8] as const,
    lookupClients: 8,
    patchMembers: 1000,
    patchReps: 5,
    patchWarmups: 1,
    ...BENCH_SERVER_SETTINGS,
    targets: {
      sqlite: { createsPerSecond8: 3000, lookupsPerSecond: 8000, patchMs: 50 },
      postgres: { createsPerSecond8: 2000, lookupsPerSecond: 5000, patchMs: 50 },
    },
  };
  return quick
    ? { mode: 'quick', creates: 500, lookups: 1000, healthz: 1000, warmupCreates: 200, warmupLookups: 300, quietWaitMs: 2_000, ...shared }
    : // 5,000 warm-up lookups, not 1,000: after 1,000 the lookup paths were still being optimised by
      // V8, and the 4,000 measured ones took 0.13 ms of server CPU each against 0.09–0.10 ms once warm.
      { mode: 'full', creates: 2000, lookups: 4000, healthz: 4000, warmupCreates: 500, warmupLookups: 5000, quietWaitMs: 30_000, ...shared };
}

// ---------------------------------------------------------------------------------------------
// One engine

/** Stops the run when a scenario got no expected answer at all (its numbers would mean nothing). */
function requireSome(name: string, r: LoadResult, server: RunningServer): LoadResult {
  if (r.ok > 0) return r;
  throw new Error(
    `${name}: none of ${r.total} answers was as expected ${JSON.stringify(r.statuses)}; first: ${r.unexpected.slice(0, 2).join(' | ')}` +
      `\nserver log: ${server.log.lines.slice(0, 3).join('\n')}`,
  );
}

/**
 * The same creates and lookups against bench/bare-server.ts on the same database (a tenant of its
 * own): what one Node process with the raw driver and no SCIM at all does here, the floor a Roster
 * figure is divided by in the ÷bare column.
 */
async function measureBareFloor(db: BenchDatabase, settings: Settings, clients: number): Promise<BareFloor> {
  const bare = await startServer({
    databaseUrl: db.serverUrl,
    poolSize: settings.poolSize,
    logLevel: settings.logLevel,
    tenants: ['bare'],
    cwd: ROOT,
    program: 'bare-server.ts',
  });
  try {
    // The same warm-up as Roster gets, so that both are compared after V8 has optimised them.
    const warm = await creates(bare, 'bare', { prefix: 'bare-warm', count: settings.warmupCreates, clients });
    requireSome('bare HTTP warm-up creates', warm.result, bare);
    await lookups(bare, 'bare', { userNames: warm.userNames, count: settings.warmupLookups, clients: settings.lookupClients });
    const made = await observe(bare, 'bare-creates', settings.quietWaitMs, async () => creates(bare, 'bare', { prefix: 'bare', count: settings.creates, clients }));
    const createsResult = made.result.result;
    requireSome('bare HTTP creates', createsResult, bare);
    const found = await observe(bare, 'bare-lookups', settings.quietWaitMs, () =>
      lookups(bare, 'bare', { userNames: made.result.userNames, count: settings.lookups, clients: settings.lookupClients }),
    );
    requireSome('bare HTTP lookups', found.result, bare);
    return { creates: { ...made, result: createsResult }, lookups: found };
  } finally {
    await bare.stop();
  }
}

async function runEngine(engine: Engine, options: Options, settings: Settings, stamp: string): Promise<EngineReport> {
  const problems: string[] = [];
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  const profileDir = options.cpuProf ? join(RESULTS_DIR, 'profiles', `${stamp}-${engine}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  try {
    process.stderr.write(`${engine}:\n`);
    database = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
    const db = database;
    pendingCleanups.add(db.dispose);
    server = await startServer({
      databaseUrl: db.serverUrl,
      poolSize: settings.poolSize,
      logLevel: settings.logLevel,
      env: settings.serverEnv,
      tenants: ['warmup', ...settings.createClients.map((c) => `c${c}`)],
      cwd: ROOT,
      ...(profileDir ? { profileDir } : {}),
    });
    const live = server;
    const serverPid = live.pid;
    progress(`server pid ${live.pid} on 127.0.0.1:${live.port}; database: ${db.description}`);

    progress(`warm-up: ${settings.warmupCreates} creates, ${settings.warmupLookups} lookups and /healthz (8 clients, not reported)`);
    const warmCreates = await creates(live, 'warmup', { prefix: 'warm', count: settings.warmupCreates, clients: 8 });
    requireSome('warm-up creates', warmCreates.result, live);
    const warmLookups = await lookups(live, 'warmup', { userNames: warmCreates.userNames, count: settings.warmupLookups, clients: 8 });
    await healthz(live, { count: settings.warmupLookups, clients: 8 });

    const createResults: Record<string, Observed<LoadResult>> = {};
    let pool = { ids: [] as string[], userNames: [] as string[] };
    const [, most] = settings.createClients;
    for (const clients of settings.createClients) {
      progress(`creates: ${settings.creates} POST /Users, ${clients} client(s)`);
      let outcome: Awaited<ReturnType<typeof creates>> | undefined;
      const observed = await observe(live, `creates-c${clients}`, settings.quietWaitMs, async () => {
        outcome = await creates(live, `c${clients}`, { prefix: `c${clients}`, count: settings.creates, clients });
        return outcome.result;
      });
      requireSome(`creates ×${clients}`, observed.result, live);
      createResults[String(clients)] = observed;
      if (clients === most && outcome) pool = { ids: outcome.ids, userNames: outcome.userNames };
    }
    let createsTopUp: LoadResult | undefined;
    if (pool.ids.length < settings.patchMembers) {
      const more = settings.patchMembers - pool.ids.length;
      progress(`top-up: ${more} more creates so the PATCH has ${settings.patchMembers} people (not reported)`);
      const outcome = await creates(live, `c${most}`, { prefix: `c${most}`, first: settings.creates, count: more, clients: 8 });
      createsTopUp = outcome.result;
      pool = { ids: [...pool.ids, ...outcome.ids], userNames: [...pool.userNames, ...outcome.userNames] };
    }

    progress(`lookups: ${settings.lookups} GET /Users?filter=userName eq …, ${settings.lookupClients} clients`);
    const lookupNames = pool.userNames.slice(0, settings.creates);
    const lookupResult = await observe(live, 'lookups', settings.quietWaitMs, () =>
      lookups(live, `c${most}`, { userNames: lookupNames, count: settings.lookups, clients: settings.lookupClients }),
    );
    requireSome('lookups', lookupResult.result, live);

    progress(`healthz: ${settings.healthz} GET /healthz, ${settings.lookupClients} clients`);
    const healthzResult = await observe(live, 'healthz', settings.quietWaitMs, () => healthz(live, { count: settings.healthz, clients: settings.lookupClients }));

    progress(`patch: ${settings.patchWarmups} + ${settings.patchReps} PATCH /Groups/{id} adding ${settings.patchMembers} members to a fresh group`);
    const memberIds = pool.ids.slice(0, settings.patchMembers);
    const patch = await observe(live, 'patch', settings.quietWaitMs, () =>
      largePatch(live, `c${most}`, { memberIds, reps: settings.patchReps, warmups: settings.patchWarmups, prefix: 'bench' }),
    );

    await live.stop();
    server = undefined;
    const serverLog = live.log;

    progress(
      `floor: ${settings.creates} creates and ${settings.lookups} lookups, ${most} clients, against a bare node:http server with the raw driver (bench/bare-server.ts)`,
    );
    const bare = await measureBareFloor(db, settings, most);

    progress(`limits: raw driver (${engine === 'sqlite' ? 'better-sqlite3' : `pg.Pool of ${settings.poolSize}`}) on its own database`);
    await waitForQuiet(settings.quietWaitMs, progress);
    const rawSettings = { inserts: settings.creates, lookups: settings.lookups, members: settings.patchMembers, memberReps: settings.patchReps };
    const limits = await measureRawLimits(engine, db, settings.poolSize, rawSettings);

    // What the server showed besides numbers: unexpected answers, warn/error log lines, failed checks.
    const checked: [string, LoadResult][] = [
      ['warm-up creates', warmCreates.result],
      ['warm-up lookups', warmLookups],
      ...Object.entries(createResults).map(([c, o]): [string, LoadResult] => [`creates ×${c}`, o.result]),
      ...(createsTopUp ? [['creates top-up', createsTopUp] as [string, LoadResult]] : []),
      ['lookups', lookupResult.result],
      ['healthz', healthzResult.result],
      [`bare HTTP creates ×${most}`, bare.creates.result],
      ['bare HTTP lookups', bare.lookups.result],
    ];
    for (const [name, r] of checked) {
      if (r.ok !== r.total)
        problems.push(`${name}: ${r.total - r.ok} of ${r.total} answers unexpected ${JSON.stringify(r.statuses)}; first: ${r.unexpected.join(' | ')}`);
    }
    if (!patch.result.verified) problems.push(`PATCH: ${JSON.stringify(patch.result.statuses)} ${patch.result.unexpected.join(' | ')}`);
    const loud = Object.entries(serverLog.levels).filter(([level]) => !['trace', 'debug', 'info'].includes(level));
    if (loud.length > 0) problems.push(`server log: ${loud.map(([l, n]) => `${n} ${l}`).join(', ')}; first: ${serverLog.lines.slice(0, 3).join(' | ')}`);

    const insertLimit = (c: number) => (engine === 'sqlite' ? limits.inserts['sync'] : limits.inserts[String(c)])?.perSecond ?? Number.NaN;
    const lookupLimit = (engine === 'sqlite' ? limits.lookups['sync'] : limits.lookups[String(settings.lookupClients)])?.perSecond ?? Number.NaN;
    const healthzRate = okRate(healthzResult.result);
    const ratios: Record<string, number> = {};
    for (const [c, o] of Object.entries(createResults)) {
      ratios[`creates_c${c}_vs_raw_insert`] = okRate(o.result) / insertLimit(Number(c));
      ratios[`creates_c${c}_vs_healthz`] = okRate(o.result) / healthzRate;
    }
    ratios[`creates_c${most}_vs_bare_http`] = okRate(createResults[String(most)]?.result ?? lookupResult.result) / okRate(bare.creates.result);
    ratios['lookups_vs_bare_http'] = okRate(lookupResult.result) / okRate(bare.lookups.result);
    ratios['lookups_vs_raw_lookup'] = okRate(lookupResult.result) / lookupLimit;
    ratios['lookups_vs_healthz'] = okRate(lookupResult.result) / healthzRate;
    ratios['patch_median_raw_over_http'] = limits.addMembers.latencyMs.p50 / patch.result.latencyMs.p50;

    const target = settings.targets[engine];
    const createRate = okRate(createResults[String(most)]?.result ?? lookupResult.result);
    const patchLatency = patch.result.latencyMs;
    const verdicts: Verdict[] = [
      { name: `creates/s with ${most} clients`, actual: createRate, target: target.createsPerSecond8, unit: '/s', pass: createRate >= target.createsPerSecond8 },
      {
        name: `lookups/s with ${settings.lookupClients} clients`,
        actual: okRate(lookupResult.result),
        target: target.lookupsPerSecond,
        unit: '/s',
        pass: okRate(lookupResult.result) >= target.lookupsPerSecond,
      },
      {
        name: `PATCH adding ${settings.patchMembers} members, median of ${patchLatency.count}`,
        actual: patchLatency.p50,
        target: target.patchMs,
        unit: 'ms',
        pass: patch.result.verified && patchLatency.p50 <= target.patchMs,
        detail: `max ${patchLatency.max.toFixed(1)} ms${patchLatency.max <= target.patchMs ? ' (also within)' : ' (over the target)'}`,
      },
    ];
    return {
      engine,
      status: 'ok',
      database: db.description,
      serverPid,
      scenarios: {
        warmup: { creates: warmCreates.result, lookups: warmLookups },
        creates: createResults,
        ...(createsTopUp ? { createsTopUp } : {}),
        lookups: lookupResult,
        healthz: healthzResult,
        patch,
      },
      limits,
      bare,
      ratios,
      verdicts,
      serverLog,
      problems,
    };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} failed: ${message}\n`);
    return { engine, status: 'failed', error: message, ...(server ? { serverLog: server.log } : {}), problems };
  } finally {
    if (server) await server.stop().catch(() => {});
    if (database) {
      await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} database failed: ${String(e)}\n`));
      pendingCleanups.delete(database.dispose);
    }
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const settings = settingsFor(options.quick);
  const scaleSettings = scaleSettingsFor(options.quick);
  const memberSettings = memberShapeSettingsFor(options.quick);
  const hostileSettings = hostileSettingsFor(options.quick);
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const machine = machineInfo();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const parts = [
    ...(options.core ? ['core'] : []),
    ...(options.members ? ['member shapes'] : []),
    ...(options.scale ? ['scale'] : []),
    ...(options.memory ? ['memory'] : []),
    ...(options.retention ? ['retention'] : []),
    ...(options.hostile ? ['hostile reads'] : []),
    ...(options.peerShape ? ['peer shape'] : []),
    ...(options.twoNodes ? ['two nodes'] : []),
  ].join(' + ');
  process.stderr.write(`Roster bench (${settings.mode}, ${parts}), engines: ${options.engines.join(', ')}\n`);

  // What is measured is what `npm start` runs: dist/, compiled from the current sources.
  if (process.env['BENCH_CODE'] !== 'src') {
    process.stderr.write('building dist/ from src/ (tsc -p tsconfig.build.json)\n');
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }

  const reports: EngineReport[] = [];
  const scaleReports: ScaleReport[] = [];
  const memberReports: MemberShapeReport[] = [];
  const hostileReports: HostileReport[] = [];
  const memoryReports: MemoryGroupReport[] = [];
  const retentionReports: RetentionReport[] = [];
  const peerReports: PeerShapeReport[] = [];
  const peerSettings = peerShapeSettingsFor(options.quick);
  const twoNodeSettings = twoNodeSettingsFor(options.quick);
  let twoNodeReport: TwoNodeReport | undefined;
  if (options.twoNodes)
    twoNodeReport = await runTwoNodes(
      { root: ROOT, pgUrl: options.pgUrl, poolSize: settings.poolSize, logLevel: settings.logLevel, serverEnv: settings.serverEnv },
      twoNodeSettings,
    );
  if (options.peerUrl) peerReports.push(await runPeerShapeExternal(options.peerUrl, options.peerToken ?? '', peerSettings));
  const childOptions = { root: ROOT, pgUrl: options.pgUrl, poolSize: settings.poolSize, logLevel: settings.logLevel, serverEnv: settings.serverEnv };
  for (const engine of options.peerUrl ? [] : options.engines) {
    if (options.peerShape) peerReports.push(await runPeerShape(engine, childOptions, peerSettings));
    if (options.memory) memoryReports.push(await runMemoryGroup(engine, childOptions));
    if (options.retention) retentionReports.push(await runRetentionYear(engine, { pgUrl: options.pgUrl }, retentionSettingsFor(options.quick)));
    const core = options.core ? await runEngine(engine, options, settings, stamp) : undefined;
    if (core) reports.push(core);
    if (options.members) {
      process.stderr.write(`${engine} member shapes:\n`);
      const db = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
      pendingCleanups.add(db.dispose);
      try {
        memberReports.push(await runMemberShapes(engine, db, { root: ROOT, pgUrl: options.pgUrl }, memberSettings));
      } finally {
        await db.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} database failed: ${String(e)}\n`));
        pendingCleanups.delete(db.dispose);
      }
    }
    if (options.hostile) {
      hostileReports.push(
        await runHostileEngine(
          { engine, pgUrl: options.pgUrl, root: ROOT, poolSize: settings.poolSize, logLevel: settings.logLevel, serverEnv: settings.serverEnv },
          hostileSettings,
        ),
      );
    }
    if (!options.scale) continue;
    const profileDir = options.cpuProf ? join(RESULTS_DIR, 'profiles', `${stamp}-${engine}-scale`) : undefined;
    scaleReports.push(
      await runScaleEngine(
        {
          engine,
          pgUrl: options.pgUrl,
          root: ROOT,
          poolSize: settings.poolSize,
          logLevel: settings.logLevel,
          serverEnv: settings.serverEnv,
          ...(core?.limits ? { coreLimits: core.limits } : {}),
          ...(profileDir ? { profileDir } : {}),
        },
        scaleSettings,
      ),
    );
  }

  const chart =
    scaleReports.length > 0
      ? await writeScalePlot(scaleReports, { resultsDir: RESULTS_DIR, docsPath: options.updateDocs ? join(ROOT, 'docs', 'performance-scale.png') : undefined })
      : undefined;
  const jsonPath = join(RESULTS_DIR, `${stamp}.json`);
  const text = JSON.stringify(
    {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      durationS: (Date.now() - started.getTime()) / 1000,
      argv: process.argv.slice(2),
      machine,
      settings: {
        ...settings,
        engines: options.engines,
        cpuProf: options.cpuProf,
        core: options.core,
        scale: options.scale,
        ...(options.engines.includes('postgres') ? { pgUrl: options.pgUrl } : {}),
      },
      ...(options.scale ? { scaleSettings } : {}),
      results: Object.fromEntries(reports.map((r) => [r.engine, r])),
      ...(options.members ? { memberShapeSettings: memberSettings, memberShapes: Object.fromEntries(memberReports.map((r) => [r.engine, r])) } : {}),
      ...(options.scale ? { scale: Object.fromEntries(scaleReports.map((r) => [r.engine, r])), chart } : {}),
      ...(options.hostile ? { hostileSettings, hostile: Object.fromEntries(hostileReports.map((r) => [r.engine, r])) } : {}),
      ...(options.memory ? { memoryGroup: Object.fromEntries(memoryReports.map((r) => [r.engine, r])) } : {}),
      ...(twoNodeReport ? { twoNodeSettings, twoNodes: twoNodeReport } : {}),
      ...(options.peerShape ? { peerShapeSettings: peerSettings, peerShape: Object.fromEntries(peerReports.map((r) => [r.engine, r])) } : {}),
      ...(options.retention ? { retentionSettings: retentionSettingsFor(options.quick), retention: Object.fromEntries(retentionReports.map((r) => [r.engine, r])) } : {}),
    },
    null,
    2,
  );
  writeFileSync(jsonPath, text);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), text);
  const shownPath = relative(process.cwd(), jsonPath) || jsonPath;
  if (reports.length > 0) process.stdout.write(renderReport(reports, settings, machine, shownPath));
  if (memberReports.length > 0) process.stdout.write(`${renderMemberShapes(memberReports, memberSettings)}JSON: ${shownPath}\n\n`);
  if (scaleReports.length > 0) {
    process.stdout.write(renderScaleReport(scaleReports, scaleSettings, machine, options.cpuProf));
    process.stdout.write(`Chart: ${chart?.files.map((f) => relative(process.cwd(), f) || f).join(', ') || '—'}${chart?.note ? ` (${chart.note})` : ''}\n`);
    process.stdout.write(`JSON: ${shownPath}; whole run ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s\n\n`);
  }
  if (hostileReports.length > 0) process.stdout.write(`${renderHostileReport(hostileReports)}\nJSON: ${shownPath}\n\n`);
  if (memoryReports.length > 0) process.stdout.write(`${renderMemoryGroup(memoryReports)}JSON: ${shownPath}\n\n`);
  if (twoNodeReport) process.stdout.write(`${renderTwoNodes(twoNodeReport, twoNodeSettings)}JSON: ${shownPath}\n\n`);
  if (peerReports.length > 0) process.stdout.write(`${renderPeerShape(peerReports, peerSettings)}JSON: ${shownPath}\n\n`);
  if (retentionReports.length > 0) process.stdout.write(`${renderRetention(retentionReports, retentionSettingsFor(options.quick))}JSON: ${shownPath}\n\n`);
  const allOk = [
    ...reports,
    ...scaleReports,
    ...memberReports,
    ...memoryReports,
    ...retentionReports,
    ...hostileReports,
    ...peerReports,
    ...(twoNodeReport ? [twoNodeReport] : []),
  ].every((r) => r.status === 'ok');
  return allOk ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    await Promise.allSettled([...pendingCleanups].map((cleanup) => cleanup()));
    process.exitCode = 1;
  },
);
