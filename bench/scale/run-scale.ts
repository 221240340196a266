/**
 * The scale scenarios on one engine, on a database and server of their own:
 *
 *   limits (reused from the core run, or measured here) → server start, memory reading →
 *   GET /healthz → initial sync (1) → seed the large tenant step by step, lookups at each size (2),
 *   memory after seeding → big group (3) → paging (4) → mixed workload (5) over seeded tenants →
 *   memory after all (6; peaks sampled throughout) → ratios and verdicts (7).
 *
 * A scenario that throws is recorded in the problems and the next one still runs (unless the
 * server is gone); unexpected answers are recorded per request kind, never hidden.
 */
import { mkdirSync } from 'node:fs';
import { startServer, type RunningServer } from '../child.js';
import { pendingCleanups, postgresDatabase, sqliteDatabase, type BenchDatabase } from '../databases.js';
import { measureRawLimits, rawInsertRate, rawLookupRate, type MeasuredLimits } from '../limits.js';
import { observe, progress } from '../observe.js';
import { okRate, type Engine, type Observed } from '../report.js';
import { healthz } from '../scenarios.js';
import { createTemplates, TenantSeeder, verifySeeded, type Templates } from '../seed.js';
import { AutoAnalyze } from './autoanalyze.js';
import { BIG_GROUP_KINDS, bigGroup } from './big-group.js';
import { initialSync } from './initial-sync.js';
import { peakServingMb, RssSampler } from './memory.js';
import { mixedWorkload, prepareMixedTenant, type MixedTenant } from './mixed-workload.js';
import { cursorKind, paging } from './paging.js';
import { kindProblems } from './session.js';
import type { ScaleSettings } from './settings.js';
import { LOOKUP_KINDS, tenantLookups, type LookupsAtSize } from './tenant-lookups.js';
import type { ScaleReport, ScaleVerdict, SeedStep } from './scale-report.js';

export interface ScaleRunOptions {
  readonly engine: Engine;
  readonly pgUrl: string;
  readonly root: string;
  readonly poolSize: number;
  readonly logLevel: string;
  readonly serverEnv: Readonly<Record<string, string>>;
  /** Raw-driver limits the core scenarios measured in this run, when they ran. */
  readonly coreLimits?: MeasuredLimits;
  readonly profileDir?: string;
}

/** A scale report being filled in, scenario by scenario. */
type InProgress = { -readonly [K in keyof Omit<ScaleReport, 'engine' | 'status' | 'problems' | 'ratios' | 'verdicts' | 'durationS'>]?: ScaleReport[K] } & {
  lookups: Observed<LookupsAtSize>[];
  seeding: SeedStep[];
};

const BIG = 'big';
const SYNC = 'sync';
const mixSlug = (i: number) => `mix${i}`;

export async function runScaleEngine(options: ScaleRunOptions, settings: ScaleSettings): Promise<ScaleReport> {
  const { engine } = options;
  const started = performance.now();
  const problems: string[] = [];
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  let seeder: TenantSeeder | undefined;
  let sampler: RssSampler | undefined;
  let autoAnalyze: AutoAnalyze | undefined;
  // What has been measured so far: a failure half-way still reports it.
  const partial: InProgress = {
    lookups: [],
    seeding: [],
  };
  try {
    process.stderr.write(`${engine} (scale):\n`);
    database = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
    const db = database;
    pendingCleanups.add(db.dispose);

    let limits = options.coreLimits;
    if (!limits) {
      progress('limits: raw driver on its own database (no core run to reuse)');
      limits = await measureRawLimits(engine, db, options.poolSize, settings.rawLimits);
    }
    const rawLimits = limits;

    const mixTenants = Array.from({ length: settings.mixed.tenants }, (_, i) => mixSlug(i));
    if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
    server = await startServer({
      databaseUrl: db.serverUrl,
      poolSize: options.poolSize,
      logLevel: options.logLevel,
      env: options.serverEnv,
      tenants: [SYNC, BIG, ...mixTenants],
      cwd: options.root,
      ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    });
    const live = server;
    partial.serverPid = live.pid;
    partial.database = db.description;
    progress(`server pid ${live.pid} on 127.0.0.1:${live.port}; database: ${db.description}`);
    if (engine === 'postgres') autoAnalyze = await AutoAnalyze.start(db.serverUrl, settings.autoAnalyzeMs);
    const memory = new RssSampler(live, settings.memory.sampleMs);
    sampler = memory;
    await memory.settle('after start', settings.memory);

    const observed = <T>(label: string, run: () => Promise<T>) => observe(live, label, settings.quietWaitMs, run);
    const tenantId = (slug: string) => {
      const id = live.tenantIds[slug];
      if (!id) throw new Error(`the server did not report tenant ${slug}`);
      return id;
    };
    const token = (slug: string) => live.tokens[slug] ?? '';

    // Templates first, while the database is small (learning them searches every table for their ids).
    progress(`seed templates: ${BIG} and ${mixTenants.length} mixed-workload tenants`);
    const openedSeeder = await TenantSeeder.open(engine, db.serverUrl);
    seeder = openedSeeder;
    const bigTemplates = await createTemplates(live.port, token(BIG), tenantId(BIG), BIG);
    await openedSeeder.learn(bigTemplates);
    const mixTemplates: Templates[] = [];
    for (const slug of mixTenants) {
      const templates = await createTemplates(live.port, token(slug), tenantId(slug), slug);
      await openedSeeder.learn(templates);
      mixTemplates.push(templates);
    }

    const attempt = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await run();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        problems.push(`${name} failed: ${message}`);
        process.stderr.write(`  ${name} failed: ${message}\n`);
        return undefined;
      }
    };

    // 1. Initial sync
    memory.enter('initial-sync');
    const sync = settings.initialSync;
    progress(`initial sync: ${sync.users.toLocaleString('en-US')} people and ${sync.groups.toLocaleString('en-US')} groups, Okta-style, ${sync.clients} clients`);
    partial.initialSync = await attempt('initial sync', () => observed('initial-sync', () => initialSync(live, SYNC, settings)));

    // 2. Lookups at growing tenant sizes
    const templateCount = bigTemplates.ids.length;
    let seeded = 0;
    const sizes = settings.lookups.tenantSizes;
    for (const [step, size] of sizes.entries()) {
      const last = step === sizes.length - 1;
      memory.enter('seed');
      const target = size - templateCount;
      progress(`seed: ${BIG} to ${size.toLocaleString('en-US')} people (${(target - seeded).toLocaleString('en-US')} more)`);
      const t0 = performance.now();
      await openedSeeder.clone(bigTemplates, seeded, target, settings.lookups.seedChunk);
      const cloneMs = performance.now() - t0;
      const t1 = performance.now();
      await openedSeeder.settle();
      partial.seeding.push({
        tenant: BIG,
        tenantSize: size,
        people: target - seeded,
        cloneSeconds: cloneMs / 1000,
        settleSeconds: (performance.now() - t1) / 1000,
        peoplePerSecond: ((target - seeded) / cloneMs) * 1000,
      });
      seeded = target;
      if (step === 0 || last) {
        const found = await verifySeeded(live.port, token(BIG), BIG, [0, 1, 2, 3, Math.floor(seeded / 2), seeded - 1], size);
        problems.push(...found);
      }
      if (last) await memory.settle(`after seeding ${size.toLocaleString('en-US')} people`, settings.memory);
      memory.enter('lookups');
      progress(
        `lookups at ${size.toLocaleString('en-US')} people: ${LOOKUP_KINDS.length} kinds, ${settings.lookups.clients} clients, ≤${settings.lookups.maxMsPerKind} ms each`,
      );
      const at = await attempt(`lookups at ${size}`, () => observed(`lookups-${size}`, () => tenantLookups(live, BIG, BIG, seeded, size, settings)));
      if (at) partial.lookups.push(at);
    }
    const tenantSize = seeded + templateCount;

    // 3. Big group
    memory.enter('big-group');
    const g = settings.bigGroup;
    progress(`big group: ${g.members.toLocaleString('en-US')} members in ${g.members / g.batch} PATCHes, then ${g.reps} × (+${g.batch}, −${g.batch}), reads`);
    partial.bigGroup = await attempt('big group', async () => {
      const ids = await openedSeeder.ids(tenantId(BIG), BIG, 0, g.members + g.batch);
      if (ids.length < g.members + g.batch) throw new Error(`only ${ids.length} seeded people for a group of ${g.members} + ${g.batch}`);
      return observed('big-group', () => bigGroup(live, BIG, ids.slice(0, g.members), ids.slice(g.members), settings));
    });

    // 4. Paging
    memory.enter('paging');
    progress(
      `paging: cursors at depths ${settings.paging.depths.map((d) => `${d * 100}%`).join(', ')} (walk ≤${settings.paging.walkMaxMs / 1000} s), startIndex ${settings.paging.startIndexes.join(', ')}`,
    );
    partial.paging = await attempt('paging', () => observed('paging', () => paging(live, BIG, tenantSize, settings)));

    // 5. Mixed workload
    memory.enter('seed');
    const m = settings.mixed;
    progress(`mixed workload: seeding ${m.tenants} tenants with ${m.usersPerTenant} people and ${m.groupsPerTenant} groups each`);
    const mixed = await attempt('mixed workload', async () => {
      const prepared: MixedTenant[] = [];
      for (const templates of mixTemplates) {
        const t0 = performance.now();
        await openedSeeder.clone(templates, 0, m.usersPerTenant, settings.lookups.seedChunk);
        const cloneMs = performance.now() - t0;
        partial.seeding.push({
          tenant: templates.prefix,
          tenantSize: m.usersPerTenant + templates.ids.length,
          people: m.usersPerTenant,
          cloneSeconds: cloneMs / 1000,
          settleSeconds: 0,
          peoplePerSecond: (m.usersPerTenant / cloneMs) * 1000,
        });
        const ids = await openedSeeder.ids(templates.tenantId, templates.prefix, 0, m.usersPerTenant);
        prepared.push(await prepareMixedTenant(live, templates.prefix, templates.prefix, ids, settings));
      }
      await openedSeeder.settle();
      memory.enter('mixed');
      progress(`mixed workload: ${m.clients} clients over ${m.tenants} tenants for ${m.durationMs / 1000} s`);
      return observed('mixed', () => mixedWorkload(live, prepared, settings));
    });
    if (mixed) partial.mixed = mixed;

    // The HTTP stack's own limit, last: by now the server's code is as warm as it gets.
    memory.enter('healthz');
    progress(`healthz: ${settings.healthz.count} GET /healthz, ${settings.healthz.clients} clients (after twice as many unmeasured)`);
    await healthz(live, { ...settings.healthz, count: settings.healthz.count * 2 });
    const healthzResult = await observed('scale-healthz', () => healthz(live, settings.healthz));
    partial.limits = { source: options.coreLimits ? 'core' : 'scale', raw: rawLimits, healthz: healthzResult };

    // 6. Memory after everything
    memory.enter('end');
    await memory.settle('after all scenarios', settings.memory);
    partial.memory = memory.stop();
    sampler = undefined;

    await seeder.close();
    seeder = undefined;
    if (autoAnalyze) partial.autoAnalyze = await autoAnalyze.stop();
    autoAnalyze = undefined;
    await live.stop();
    server = undefined;
    partial.serverLog = live.log;
    const loud = Object.entries(live.log.levels).filter(([level]) => !['trace', 'debug', 'info'].includes(level));
    if (loud.length > 0) problems.push(`server log: ${loud.map(([l, n]) => `${n} ${l}`).join(', ')}; first: ${live.log.lines.slice(0, 3).join(' | ')}`);

    const report = { engine, status: 'ok' as const, ...partial, durationS: (performance.now() - started) / 1000 };
    problems.push(...scenarioProblems(report));
    return { ...report, ratios: ratiosOf(report, settings), verdicts: verdictsOf(report, settings), problems };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} (scale) failed: ${message}\n`);
    return {
      engine,
      status: 'failed',
      error: message,
      ...partial,
      ...(sampler ? { memory: sampler.stop() } : {}),
      ...(server ? { serverLog: server.log } : {}),
      durationS: (performance.now() - started) / 1000,
      ratios: {},
      verdicts: [],
      problems,
    };
  } finally {
    sampler?.stop();
    await autoAnalyze?.stop().catch(() => {});
    await seeder?.close().catch(() => {});
    if (server) await server.stop().catch(() => {});
    if (database) {
      await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} scale database failed: ${String(e)}\n`));
      pendingCleanups.delete(database.dispose);
    }
  }
}

type Measured = Omit<ScaleReport, 'ratios' | 'verdicts' | 'problems'>;

/** Unexpected answers and failed read-backs, scenario by scenario. */
function scenarioProblems(r: Measured): string[] {
  const out: string[] = [];
  const healthz = r.limits?.healthz.result;
  if (healthz && healthz.ok !== healthz.total) out.push(`healthz: ${healthz.total - healthz.ok} of ${healthz.total} unexpected ${JSON.stringify(healthz.statuses)}`);
  const sync = r.initialSync?.result;
  if (sync) {
    out.push(...kindProblems('initial sync', sync.kinds), ...sync.verification);
    if (!sync.complete) out.push(`initial sync: stopped at its time bound before it was done`);
  }
  for (const at of r.lookups) out.push(...kindProblems(`lookups at ${at.result.tenantSize}`, at.result.kinds));
  const group = r.bigGroup?.result;
  if (group) {
    out.push(...kindProblems('big group', group.kinds));
    if (group.fullReadMembers !== group.members) out.push(`big group: the full read listed ${group.fullReadMembers} members, expected ${group.members}`);
  }
  const page = r.paging?.result;
  if (page) out.push(...kindProblems('paging', page.kinds), ...page.problems);
  const mixed = r.mixed?.result;
  if (mixed) out.push(...kindProblems('mixed', mixed.kinds));
  return out;
}

function ratiosOf(r: Measured, settings: ScaleSettings): Record<string, number> {
  const ratios: Record<string, number> = {};
  const raw = r.limits?.raw;
  const healthzRate = r.limits ? okRate(r.limits.healthz.result) : Number.NaN;
  const sync = r.initialSync?.result;
  if (sync && raw) {
    ratios['sync_users_per_s_vs_raw_insert'] = sync.usersPerSecond / rawInsertRate(r.engine, raw, settings.initialSync.clients);
    ratios['sync_requests_per_s_vs_healthz'] = sync.requestsPerSecond / healthzRate;
  }
  if (raw) {
    for (const at of r.lookups) {
      for (const [kind, k] of Object.entries(at.result.kinds))
        ratios[`lookup ${kind} @${at.result.tenantSize}_vs_raw_lookup`] = k.okPerSecond / rawLookupRate(r.engine, raw, settings.lookups.clients);
    }
  }
  const group = r.bigGroup?.result;
  if (group && raw) {
    const rawAdd = raw.addMembers.latencyMs.p50;
    const add = group.kinds[BIG_GROUP_KINDS.add]?.latencyMs.p50;
    const remove = group.kinds[BIG_GROUP_KINDS.remove]?.latencyMs.p50;
    if (add !== undefined) ratios['group_add_raw_over_http'] = rawAdd / add;
    if (remove !== undefined) ratios['group_remove_raw_add_over_http'] = rawAdd / remove;
  }
  const page = r.paging?.result;
  if (page) {
    const first = page.cursorP50ByDepth['0'];
    for (const [depth, p50] of Object.entries(page.cursorP50ByDepth)) if (first !== undefined) ratios[`cursor_depth_${depth}_first_over_deep`] = first / p50;
    const index1 = page.startIndexP50['1'];
    for (const [start, p50] of Object.entries(page.startIndexP50)) if (index1 !== undefined) ratios[`startIndex_${start}_first_over_deep`] = index1 / p50;
  }
  const mixed = r.mixed?.result;
  if (mixed) ratios['mixed_vs_healthz'] = mixed.okPerSecond / healthzRate;
  if (r.memory) ratios['memory_peak_vs_budget'] = peakServingMb(r.memory) / settings.targets[r.engine].memoryMb;
  return ratios;
}

function verdictsOf(r: Measured, settings: ScaleSettings): ScaleVerdict[] {
  const t = settings.targets[r.engine];
  const verdicts: ScaleVerdict[] = [];
  const sync = r.initialSync?.result;
  if (sync) {
    const target = (t.syncSecondsPer100k * sync.users) / 100_000;
    const seconds = sync.totalMs / 1000;
    verdicts.push({
      name: `initial sync of ${sync.users.toLocaleString('en-US')} people + ${sync.groups.toLocaleString('en-US')} groups`,
      actual: seconds,
      target,
      unit: 's',
      comparison: '≤',
      pass: sync.complete && seconds <= target,
      detail: [
        sync.users === 100_000 ? '' : `target ${t.syncSecondsPer100k} s for 100,000 people, scaled`,
        sync.complete
          ? ''
          : `incomplete: a phase reached its time bound (${sync.usersCreated.toLocaleString('en-US')} people, ${sync.groupsCreated.toLocaleString('en-US')} groups created)`,
      ]
        .filter((d) => d !== '')
        .join('; '),
    });
  }
  const largest = r.lookups[r.lookups.length - 1]?.result;
  if (largest) {
    for (const [kind, k] of Object.entries(largest.kinds)) {
      verdicts.push({
        name: `p99 of ${kind} in a tenant of ${largest.tenantSize.toLocaleString('en-US')}`,
        actual: k.latencyMs.p99,
        target: t.lookupP99Ms,
        unit: 'ms',
        comparison: '≤',
        pass: k.ok === k.count && k.latencyMs.p99 <= t.lookupP99Ms,
        detail: `${Math.round(k.okPerSecond).toLocaleString('en-US')}/s, p999 ${k.latencyMs.p999.toFixed(1)} ms`,
      });
    }
  }
  const group = r.bigGroup?.result;
  const add = group?.kinds[BIG_GROUP_KINDS.add];
  if (group && add) {
    verdicts.push({
      name: `PATCH adding ${group.batch.toLocaleString('en-US')} members to a ${group.members.toLocaleString('en-US')}-member group, median of ${add.count}`,
      actual: add.latencyMs.p50,
      target: t.groupAddMs,
      unit: 'ms',
      comparison: '≤',
      pass: add.ok === add.count && add.latencyMs.p50 <= t.groupAddMs,
      detail: `max ${add.latencyMs.max.toFixed(1)} ms`,
    });
  }
  const page = r.paging?.result;
  if (page) {
    const first = page.cursorP50ByDepth['0'];
    const deepest = Math.max(...settings.paging.depths);
    const deep = page.cursorP50ByDepth[String(deepest)];
    verdicts.push({
      name: `cursor page at ${deepest * 100}% of ${page.tenantSize.toLocaleString('en-US')} vs the first pages (median)`,
      actual: first !== undefined && deep !== undefined ? deep / first : Number.NaN,
      target: t.deepPageFactor,
      unit: '×',
      comparison: '≤',
      pass: first !== undefined && deep !== undefined && deep <= t.deepPageFactor * first,
      detail:
        deep === undefined
          ? `the walk did not reach ${deepest * 100}% within its time bound`
          : `${deep.toFixed(2)} ms vs ${first?.toFixed(2) ?? '—'} ms (${cursorKind(deepest)})`,
    });
  }
  if (r.memory) {
    const peak = peakServingMb(r.memory);
    const largestSize = settings.lookups.tenantSizes[settings.lookups.tenantSizes.length - 1] ?? 0;
    verdicts.push({
      name: `server RSS peak while serving, ${largestSize.toLocaleString('en-US')} people stored`,
      actual: peak,
      target: t.memoryMb,
      unit: 'MB',
      comparison: '≤',
      pass: peak <= t.memoryMb,
    });
  }
  return verdicts;
}
