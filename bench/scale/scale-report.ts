/** The shapes of a scale run's results, and the tables printed from them (one per scenario). */
import type { ServerLog } from '../child.js';
import type { AutoAnalyzeReport } from './autoanalyze.js';
import type { MeasuredLimits } from '../limits.js';
import { rawInsertRate, rawLookupRate } from '../limits.js';
import type { LoadResult } from '../load.js';
import { formatProfile } from '../profile.js';
import { okRate, type Engine, type MachineInfo, type Observed } from '../report.js';
import { BIG_GROUP_KINDS, type BigGroupResult } from './big-group.js';
import type { InitialSyncResult } from './initial-sync.js';
import { peakServingMb, type MemoryReport } from './memory.js';
import type { MixedResult } from './mixed-workload.js';
import { cursorKind, FIRST_PAGE_KIND, startIndexKind, type PagingResult } from './paging.js';
import type { KindResult } from './session.js';
import type { ScaleSettings } from './settings.js';
import type { LookupsAtSize } from './tenant-lookups.js';

export interface SeedStep {
  readonly tenant: string;
  readonly tenantSize: number;
  readonly people: number;
  readonly cloneSeconds: number;
  /** ANALYZE (PostgreSQL) or WAL checkpoint (SQLite) afterwards. */
  readonly settleSeconds: number;
  readonly peoplePerSecond: number;
}

export interface ScaleVerdict {
  readonly name: string;
  readonly actual: number;
  readonly target: number;
  readonly unit: 's' | 'ms' | 'MB' | '×';
  readonly comparison: '≤' | '≥';
  readonly pass: boolean;
  readonly detail?: string | undefined;
}

export interface ScaleReport {
  readonly engine: Engine;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly database?: string;
  readonly serverPid?: number;
  readonly durationS: number;
  /** The limits the ratios divide by: raw driver (from the core run when it ran) and this server's GET /healthz. */
  readonly limits?: { readonly source: 'core' | 'scale'; readonly raw: MeasuredLimits; readonly healthz: Observed<LoadResult> };
  readonly initialSync?: Observed<InitialSyncResult> | undefined;
  readonly seeding: readonly SeedStep[];
  readonly lookups: readonly Observed<LookupsAtSize>[];
  readonly bigGroup?: Observed<BigGroupResult> | undefined;
  readonly paging?: Observed<PagingResult> | undefined;
  readonly mixed?: Observed<MixedResult> | undefined;
  readonly memory?: MemoryReport;
  /** PostgreSQL only: whether the server had autovacuum off, and what the bench analyzed in its place. */
  readonly autoAnalyze?: AutoAnalyzeReport;
  readonly ratios: Readonly<Record<string, number>>;
  readonly verdicts: readonly ScaleVerdict[];
  readonly serverLog?: ServerLog;
  readonly problems: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Formatting

const num = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)) : '—');
const ratio = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '—');
const pct = (n: number) => `${Math.round(n * 100)}%`;
const statusText = (statuses: Readonly<Record<string, number>>) =>
  Object.entries(statuses)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');

/** A table: a header, rows, and which columns are right-aligned ('r') or left-aligned ('l'). */
function table(header: readonly string[], rows: readonly (readonly string[])[], align: string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].map((l) => `  ${l}`).join('\n');
}

/** Server CPU and whether other processes were busy, for a scenario's title line. */
function cpuNote(o: Observed<unknown>): string {
  return `server CPU ${pct(o.server.cpuShare)} of a core, generator ${pct(o.generatorCpuShare)}, postgres ${pct(o.postgresCpuShare)}, other ${pct(o.otherCores)}`;
}

const within = (pass: boolean) => (pass ? 'PASS' : 'MISS');

function kindRow(engine: string, name: string, k: KindResult, extra: readonly string[] = []): string[] {
  return [engine, name, num(k.count), num(k.okPerSecond), ms(k.latencyMs.p50), ms(k.latencyMs.p99), ms(k.latencyMs.max), statusText(k.statuses), ...extra];
}

// ---------------------------------------------------------------------------------------------
// One section per scenario

function initialSyncSection(reports: readonly ScaleReport[], settings: ScaleSettings): string[] {
  const s = settings.initialSync;
  const head: string[][] = [];
  const kinds: string[][] = [];
  for (const r of reports) {
    const o = r.initialSync;
    if (!o || !r.limits) continue;
    const x = o.result;
    const limit = rawInsertRate(r.engine, r.limits.raw, s.clients);
    const target = (settings.targets[r.engine].syncSecondsPer100k * x.users) / 100_000;
    head.push([
      r.engine,
      (x.totalMs / 1000).toFixed(1),
      `${(x.phasesMs.users / 1000).toFixed(1)} / ${(x.phasesMs.groups / 1000).toFixed(1)} / ${(x.phasesMs.members / 1000).toFixed(1)}`,
      num(x.requests),
      num(x.requestsPerSecond),
      ratio(r.ratios['sync_requests_per_s_vs_healthz']),
      num(x.usersPerSecond),
      `${r.engine === 'sqlite' ? 'raw insert (sync)' : `raw insert ×${s.clients}`} ${num(limit)}/s`,
      ratio(r.ratios['sync_users_per_s_vs_raw_insert']),
      `≤${target.toFixed(target < 10 ? 1 : 0)} s ${within(x.complete && x.totalMs / 1000 <= target)}`,
    ]);
    for (const [name, k] of Object.entries(x.kinds)) kinds.push(kindRow(r.engine, name, k));
  }
  if (head.length === 0) return [];
  return [
    `Scale 1 — initial sync, Okta-style, ${s.clients} clients: ${s.users.toLocaleString('en-US')} people (GET filter, POST), ${s.groups.toLocaleString('en-US')} groups (GET filter, POST), members in PATCHes of ≤${s.memberBatch} (each person in 2 groups)`,
    ...reports.flatMap((r) => (r.initialSync ? [`  ${r.engine}: ${cpuNote(r.initialSync)}`] : [])),
    table(['engine', 'total s', 'people/groups/members s', 'requests', 'req/s', 'req/s÷healthz', 'people/s', 'limit', '÷limit', 'target'], head, 'lrrrrrrlrl'),
    '',
    table(['engine', 'request kind', 'n', 'ok/s', 'p50 ms', 'p99 ms', 'max ms', 'statuses'], kinds, 'llrrrrrl'),
  ];
}

function lookupsSection(reports: readonly ScaleReport[], settings: ScaleSettings): string[] {
  const rows: string[][] = [];
  for (const r of reports) {
    if (!r.limits) continue;
    const limit = rawLookupRate(r.engine, r.limits.raw, settings.lookups.clients);
    for (const at of r.lookups) {
      for (const [name, k] of Object.entries(at.result.kinds)) {
        rows.push([
          r.engine,
          num(at.result.tenantSize),
          name,
          num(k.count),
          num(k.okPerSecond),
          ms(k.latencyMs.p50),
          ms(k.latencyMs.p99),
          ms(k.latencyMs.p999),
          ms(k.latencyMs.max),
          num(limit),
          ratio(k.okPerSecond / limit),
          `${within(k.ok === k.count && k.latencyMs.p99 <= settings.targets[r.engine].lookupP99Ms)}${k.ok === k.count ? '' : ' (wrong answers)'}`,
        ]);
      }
    }
  }
  if (rows.length === 0) return [];
  const limitName = reports
    .map((r) => (r.engine === 'sqlite' ? 'sqlite: raw point lookup (sync)' : `postgres: raw point lookup ×${settings.lookups.clients}`))
    .join(', ');
  return [
    `Scale 2 — lookups by filter in one tenant as it grows, ${settings.lookups.clients} clients, each kind ≤${settings.lookups.maxOpsPerKind.toLocaleString('en-US')} requests or ≤${settings.lookups.maxMsPerKind / 1000} s; limit: ${limitName}; target p99 ≤${settings.targets.sqlite.lookupP99Ms} ms`,
    table(['engine', 'people', 'filter', 'n', 'ok/s', 'p50 ms', 'p99 ms', 'p999 ms', 'max ms', 'limit/s', '÷limit', 'p99 target'], rows, 'lrlrrrrrrrrl'),
  ];
}

function bigGroupSection(reports: readonly ScaleReport[], settings: ScaleSettings): string[] {
  const rows: string[][] = [];
  for (const r of reports) {
    const x = r.bigGroup?.result;
    if (!x || !r.limits) continue;
    const rawAdd = r.limits.raw.addMembers.latencyMs.p50;
    for (const [name, k] of Object.entries(x.kinds)) {
      if (name.startsWith('warm-up') || name === 'create group') continue;
      const isAdd = name === BIG_GROUP_KINDS.add;
      const isPatch = isAdd || name === BIG_GROUP_KINDS.remove || name === BIG_GROUP_KINDS.fill;
      rows.push([
        r.engine,
        name,
        num(k.count),
        ms(k.latencyMs.p50),
        ms(k.latencyMs.max),
        name === BIG_GROUP_KINDS.full ? `${(x.fullReadBytes / 1e6).toFixed(1)} MB, ${num(x.fullReadMembers)} members` : '',
        isPatch ? ms(rawAdd) : '',
        isPatch ? ratio(rawAdd / k.latencyMs.p50) : '',
        isAdd ? `≤${settings.targets[r.engine].groupAddMs} ms ${within(k.latencyMs.p50 <= settings.targets[r.engine].groupAddMs && k.ok === k.count)}` : '',
      ]);
    }
  }
  if (rows.length === 0) return [];
  const g = settings.bigGroup;
  return [
    `Scale 3 — a group of ${g.members.toLocaleString('en-US')} members: filled ${g.batch.toLocaleString('en-US')} per PATCH, then ${g.reps} × (add ${g.batch.toLocaleString('en-US')} more, remove them: value-list form), one request at a time; limit: raw add of ${g.batch.toLocaleString('en-US')} to a fresh group (raw-driver.ts), ÷limit = raw median ÷ HTTP median`,
    ...reports.flatMap((r) => (r.bigGroup ? [`  ${r.engine}: ${cpuNote(r.bigGroup)}`] : [])),
    table(['engine', 'request', 'n', 'median ms', 'max ms', 'body', 'limit ms', '÷limit', 'target'], rows, 'llrrrlrrl'),
  ];
}

function pagingSection(reports: readonly ScaleReport[], settings: ScaleSettings): string[] {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const r of reports) {
    const x = r.paging?.result;
    if (!x) continue;
    notes.push(
      `  ${r.engine}: walked ${num(x.walkPages)} large pages, ${num(x.peopleSeen)} of ${num(x.totalResults)} people ${x.walkedToEnd ? '(to the end)' : `(stopped at the ${settings.paging.walkMaxMs / 1000} s bound)`}; ${cpuNote(r.paging as Observed<unknown>)}`,
    );
    const first = x.cursorP50ByDepth['0'];
    const index1 = x.startIndexP50['1'];
    const deepest = Math.max(...settings.paging.depths);
    const push = (name: string, k: KindResult | undefined, reference: number | undefined, target: string) => {
      if (k)
        rows.push([
          r.engine,
          name,
          num(k.count),
          ms(k.latencyMs.p50),
          ms(k.latencyMs.p99),
          ms(k.latencyMs.max),
          reference !== undefined ? ratio(reference / k.latencyMs.p50) : '',
          target,
        ]);
    };
    push(FIRST_PAGE_KIND, x.kinds[FIRST_PAGE_KIND], undefined, '');
    for (const depth of settings.paging.depths) {
      const k = x.kinds[cursorKind(depth)];
      const target =
        depth === deepest && k && first !== undefined
          ? `≤${settings.targets[r.engine].deepPageFactor}× first ${within(k.latencyMs.p50 <= settings.targets[r.engine].deepPageFactor * first)}`
          : '';
      if (k) push(cursorKind(depth), k, first, target);
      else rows.push([r.engine, cursorKind(depth), '', '', '', '', '', 'not reached in time']);
    }
    for (const s of settings.paging.startIndexes) push(startIndexKind(s), x.kinds[startIndexKind(s)], index1, '');
  }
  if (rows.length === 0) return [];
  return [
    `Scale 4 — paging through the large tenant, ${settings.paging.pageSize} per page, one client: cursors (first page counts the total; later pages reached by following nextCursor) and startIndex; ÷first = median of the first pages (cursor at 0%, or startIndex=1) ÷ this median`,
    ...notes,
    table(['engine', 'page', 'n', 'p50 ms', 'p99 ms', 'max ms', '÷first', 'target'], rows, 'llrrrrrl'),
  ];
}

function mixedSection(reports: readonly ScaleReport[], settings: ScaleSettings): string[] {
  const totals: string[][] = [];
  const kinds: string[][] = [];
  for (const r of reports) {
    const o = r.mixed;
    if (!o || !r.limits) continue;
    const x = o.result;
    const healthzRate = okRate(r.limits.healthz.result);
    totals.push([
      r.engine,
      (x.durationMs / 1000).toFixed(1),
      num(x.operations),
      num(x.requests),
      num(x.okPerSecond),
      num(healthzRate),
      ratio(x.okPerSecond / healthzRate),
      `${x.deactivations} / ${x.reactivations}`,
      statusText(x.statuses),
    ]);
    for (const [name, k] of Object.entries(x.kinds)) kinds.push(kindRow(r.engine, name, k));
  }
  if (totals.length === 0) return [];
  const m = settings.mixed;
  return [
    `Scale 5 — mixed Okta/Entra workload: ${m.clients} clients over ${m.tenants} tenants of ${m.usersPerTenant.toLocaleString('en-US')} people and ${m.groupsPerTenant} groups, ${m.durationMs / 1000} s; limit: GET /healthz on the same server`,
    ...reports.flatMap((r) => (r.mixed ? [`  ${r.engine}: ${cpuNote(r.mixed)}`] : [])),
    table(['engine', 's', 'operations', 'requests', 'ok/s', 'healthz/s', '÷limit', 'deact./react.', 'statuses'], totals, 'lrrrrrrrl'),
    '',
    table(['engine', 'request kind', 'n', 'ok/s', 'p50 ms', 'p99 ms', 'max ms', 'statuses'], kinds, 'llrrrrrl'),
  ];
}

function memorySection(reports: readonly ScaleReport[], settings: ScaleSettings): string[] {
  const rows: string[][] = [];
  for (const r of reports) {
    const m = r.memory;
    if (!m) continue;
    const reading = (prefix: string) => m.settled.find((s) => s.label.startsWith(prefix));
    const cell = (prefix: string) => {
      const s = reading(prefix);
      return s ? `${s.rssMb.toFixed(0)} (heap ${s.heapUsedMb.toFixed(0)})` : '—';
    };
    const peak = peakServingMb(m);
    const budget = settings.targets[r.engine].memoryMb;
    rows.push([
      r.engine,
      cell('after start'),
      cell('after seeding'),
      (m.peakMbByPhase['initial-sync'] ?? Number.NaN).toFixed(0),
      peak.toFixed(0),
      cell('after all'),
      String(budget),
      ratio(peak / budget),
      `≤${budget} MB ${within(peak <= budget)}`,
    ]);
  }
  if (rows.length === 0) return [];
  const largest = settings.lookups.tenantSizes[settings.lookups.tenantSizes.length - 1] ?? 0;
  return [
    `Scale 6 — server memory: VmRSS in MB (settled: median of ${settings.memory.settleSamples} readings after a full GC, V8 heap in brackets; peaks: sampled every ${settings.memory.sampleMs} ms); ${largest.toLocaleString('en-US')} people in the large tenant; ÷limit = peak ÷ budget`,
    table(['engine', 'after start', 'after seeding', 'peak sync', 'peak serving 2–5', 'after all', 'budget', '÷limit', 'target'], rows, 'lrrrrrrrl'),
  ];
}

function seedingSection(reports: readonly ScaleReport[]): string[] {
  const rows: string[][] = [];
  for (const r of reports) {
    const big = r.seeding.filter((s) => s.tenant === 'big');
    for (const s of big) rows.push([r.engine, s.tenant, num(s.tenantSize), num(s.people), s.cloneSeconds.toFixed(1), s.settleSeconds.toFixed(1), num(s.peoplePerSecond)]);
    const mix = r.seeding.filter((s) => s.tenant !== 'big');
    if (mix.length > 0) {
      const people = mix.reduce((n, s) => n + s.people, 0);
      const seconds = mix.reduce((n, s) => n + s.cloneSeconds, 0);
      rows.push([r.engine, `${mix.length} mixed tenants`, num(mix[0]?.tenantSize), num(people), seconds.toFixed(1), '', num(people / seconds)]);
    }
  }
  if (rows.length === 0) return [];
  return [
    'Seeding (bench/seed.ts: templates through POST /Users, then cloned by SQL; not a server measurement)',
    table(['engine', 'tenant', 'size', 'people added', 'clone s', 'analyze/checkpoint s', 'people/s'], rows, 'llrrrrr'),
  ];
}

export function renderScaleReport(reports: readonly ScaleReport[], settings: ScaleSettings, machine: MachineInfo, withProfiles: boolean): string {
  const sections = [
    initialSyncSection(reports, settings),
    lookupsSection(reports, settings),
    bigGroupSection(reports, settings),
    pagingSection(reports, settings),
    mixedSection(reports, settings),
    memorySection(reports, settings),
    seedingSection(reports),
  ].filter((s) => s.length > 0);
  const lines: string[] = [
    '',
    `Roster scale bench (${settings.mode}) — ${machine.os.type} ${machine.os.release} ${machine.os.arch}, ${machine.cpus.count} × ${machine.cpus.model}, ` +
      `${(machine.memory.totalBytes / 2 ** 30).toFixed(1)} GiB, Node ${machine.node}; each engine on a server and database of its own (bench/scale/)`,
    '',
  ];
  for (const section of sections) lines.push(...section, '');
  for (const r of reports) {
    if (!r.limits) continue;
    const L = r.limits.raw;
    const insert = Object.entries(L.inserts).map(([c, m]) => `insert ${c === 'sync' ? 'sync' : `×${c}`} ${num(m.perSecond)}/s`);
    const lookup = Object.entries(L.lookups).map(([c, m]) => `lookup ${c === 'sync' ? 'sync' : `×${c}`} ${num(m.perSecond)}/s`);
    lines.push(
      `  ${r.engine} limits (${r.limits.source === 'core' ? 'raw driver from the core run' : 'raw driver measured for this run'}): ${L.driver}: ${[...insert, ...lookup].join(', ')}, add ${L.addMembers.members} members ${ms(L.addMembers.latencyMs.p50)} ms; GET /healthz ${num(okRate(r.limits.healthz.result))}/s on the scale server`,
    );
  }
  for (const r of reports) {
    if (!r.autoAnalyze?.autovacuumOff) continue;
    const runs = Object.entries(r.autoAnalyze.analyzed).map(([table, n]) => `${table} ×${n}`);
    lines.push(
      `  ${r.engine}: the server runs with autovacuum = off; the bench analyzed its scale schema as auto-ANALYZE would (${runs.join(', ') || 'nothing needed it'}), see bench/scale/autoanalyze.ts`,
    );
  }
  lines.push('');
  for (const r of reports) {
    for (const v of r.verdicts) {
      const value = (n: number) => (v.unit === 'ms' ? `${ms(n)} ms` : v.unit === '×' ? `${ratio(n)}×` : v.unit === 's' ? `${n.toFixed(1)} s` : `${n.toFixed(0)} MB`);
      lines.push(
        `  ${within(v.pass)}  ${r.engine.padEnd(8)}  ${v.name}: ${value(v.actual)} (target ${v.comparison} ${value(v.target)})${v.detail ? `; ${v.detail}` : ''}`,
      );
    }
    if (r.status === 'failed') lines.push(`  FAIL  ${r.engine.padEnd(8)}  the scale run failed: ${(r.error ?? '').split('\n')[0] ?? ''}`);
  }
  const observedOf = (r: ScaleReport): [string, Observed<unknown>][] => [
    ...(r.initialSync ? [['initial sync', r.initialSync] as [string, Observed<unknown>]] : []),
    ...r.lookups.map((o): [string, Observed<unknown>] => [`lookups at ${o.result.tenantSize}`, o]),
    ...(r.bigGroup ? [['big group', r.bigGroup] as [string, Observed<unknown>]] : []),
    ...(r.paging ? [['paging', r.paging] as [string, Observed<unknown>]] : []),
    ...(r.mixed ? [['mixed', r.mixed] as [string, Observed<unknown>]] : []),
  ];
  const noisy = reports.flatMap((r) =>
    observedOf(r)
      .filter(([, o]) => o.otherCores >= 0.3)
      .map(([name, o]) => `${r.engine} ${name} (${pct(o.otherCores)})`),
  );
  if (noisy.length > 0)
    lines.push('', `  NOTE: other processes kept the machine busy during ${noisy.join(', ')} of a core; those numbers are distorted — rerun on a quiet machine.`);
  const problems = reports.flatMap((r) => r.problems.map((p) => `  ${r.engine}: ${p}`));
  lines.push(
    '',
    problems.length > 0
      ? 'Scale: server-side problems:'
      : 'Scale: server-side problems: none seen (no unexpected statuses, no warn/error log lines, read-backs verified).',
  );
  lines.push(...problems);
  if (withProfiles) {
    for (const r of reports)
      for (const [name, o] of observedOf(r)) if (o.profile) lines.push('', `${r.engine} server CPU profile during ${name}:`, formatProfile(o.profile, 8, 12));
  }
  lines.push('');
  return lines.join('\n');
}
