/** The shapes of a bench run's results and the table printed from them. */
import type { ServerLog, ServerUsage } from './child.js';
import type { LoadResult } from './load.js';
import { formatProfile, type ProfileSummary } from './profile.js';
import type { RawLimits } from './raw-driver.js';
import type { PatchOutcome } from './scenarios.js';

export type Engine = 'sqlite' | 'postgres';

export interface Targets {
  readonly createsPerSecond8: number;
  readonly lookupsPerSecond: number;
  readonly patchMs: number;
}

export interface Settings {
  readonly mode: 'quick' | 'full';
  /** POST /Users per measured run (one run per entry of createClients, each in a tenant of its own). */
  readonly creates: number;
  readonly createClients: readonly [number, number];
  /** Filtered GET /Users per run, and GET /healthz per run. */
  readonly lookups: number;
  readonly lookupClients: number;
  readonly healthz: number;
  readonly patchMembers: number;
  readonly patchReps: number;
  readonly patchWarmups: number;
  /** Unmeasured requests first, in a tenant of their own, so JIT, caches and connections are warm. */
  readonly warmupCreates: number;
  readonly warmupLookups: number;
  /** The server's DB_POOL_SIZE, and the raw pg.Pool's size. */
  readonly poolSize: number;
  /** Longest wait for the machine to go quiet before each measured scenario. */
  readonly quietWaitMs: number;
  readonly logLevel: 'warn';
  /**
   * Further settings for the server under test. The per-credential and per-IP rate limits are
   * switched off: the bench measures capacity from one address and one token per tenant, which
   * those guards would (rightly) throttle.
   */
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly targets: Readonly<Record<Engine, Targets>>;
}

/** A scenario's result with how busy the server and the load generator were meanwhile. */
export interface Observed<T> {
  readonly result: T;
  readonly server: ServerUsage;
  /** Share of one core the load generator (this process) used. */
  readonly generatorCpuShare: number;
  /** Share of one core used by local PostgreSQL processes (all of them, whoever asked). */
  readonly postgresCpuShare: number;
  /** Share of the whole machine (all cores) that was busy: server, generator, database and the rest. */
  readonly hostCpuShare: number;
  /** Cores kept busy by other processes meanwhile (noise: other people's tests, builds…). */
  readonly otherCores: number;
  /** Busy cores just before the scenario started (after waiting up to 30 s for quiet). */
  readonly busyCoresBefore: number;
  readonly profile?: ProfileSummary;
}

export interface Verdict {
  readonly name: string;
  readonly actual: number;
  readonly target: number;
  readonly unit: '/s' | 'ms';
  readonly pass: boolean;
  readonly detail?: string;
}

export interface EngineScenarios {
  readonly warmup: { readonly creates: LoadResult; readonly lookups: LoadResult };
  /** By client count. */
  readonly creates: Readonly<Record<string, Observed<LoadResult>>>;
  readonly createsTopUp?: LoadResult;
  readonly lookups: Observed<LoadResult>;
  readonly healthz: Observed<LoadResult>;
  readonly patch: Observed<PatchOutcome>;
}

/** The same creates and lookups against bench/bare-server.ts: node:http and the raw driver, no SCIM. */
export interface BareFloor {
  readonly creates: Observed<LoadResult>;
  readonly lookups: Observed<LoadResult>;
}

export interface EngineReport {
  readonly engine: Engine;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly database?: string;
  readonly serverPid?: number;
  readonly scenarios?: EngineScenarios;
  readonly limits?: RawLimits & { readonly otherCores: number };
  readonly bare?: BareFloor;
  readonly ratios?: Readonly<Record<string, number>>;
  readonly verdicts?: readonly Verdict[];
  readonly serverLog?: ServerLog;
  readonly problems: readonly string[];
}

export interface MachineInfo {
  readonly os: { readonly type: string; readonly release: string; readonly arch: string };
  readonly cpus: { readonly count: number; readonly model: string };
  readonly memory: { readonly totalBytes: number };
  readonly node: string;
  readonly packages: Readonly<Record<string, string>>;
}

/** Successful answers per second (errors are not throughput). */
export function okRate(r: LoadResult): number {
  return (r.ok / r.durationMs) * 1000;
}

const num = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0)) : '—');
const ratio = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '—');
const pct = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? `${Math.round(n * 100)}%` : '');

type Row = readonly string[];
const HEADER: Row = [
  'engine',
  'scenario',
  'clients',
  'n',
  'rate/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'srv',
  'srv ms/req',
  'gen',
  'pg',
  'other',
  'limit',
  'limit',
  '÷limit',
  '÷healthz',
  '÷bare',
  'target',
];
const RIGHT = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17]);

function renderTable(rows: readonly Row[]): string {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.length > 2 ? (r[i] ?? '').length : 0))));
  const fmt = (r: Row) =>
    r
      .map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [fmt(HEADER), rule, ...rows.map((r) => (r.length === 0 ? '' : r.length <= 2 ? r.join('  ') : fmt(r)))].join('\n');
}

/** CPU columns, in % of one core: server (and its CPU ms per request), load generator, PostgreSQL, other processes. */
function usageCells(o: Observed<unknown>, requests: number): string[] {
  const perRequest = (o.server.cpuUserMs + o.server.cpuSystemMs) / requests;
  return [pct(o.server.cpuShare), perRequest.toFixed(2), pct(o.generatorCpuShare), pct(o.postgresCpuShare), pct(o.otherCores)];
}

function verdictCell(v: Verdict | undefined): string {
  if (!v) return '';
  return `${v.unit === '/s' ? '≥' : '≤'}${num(v.target)}${v.unit === '/s' ? '/s' : ' ms'} ${v.pass ? 'PASS' : 'MISS'}`;
}

function engineRows(r: EngineReport, settings: Settings): Row[] {
  const { scenarios: s, limits: L, ratios, verdicts } = r;
  if (r.status !== 'ok' || !s || !L || !ratios || !verdicts) return [[r.engine, `FAILED: ${(r.error ?? '').split('\n')[0] ?? ''}`]];
  const e = r.engine;
  const sync = e === 'sqlite';
  const load = (name: string, o: Observed<LoadResult>): string[] => {
    const x = o.result;
    return [e, name, String(x.clients), num(x.total), num(okRate(x)), ms(x.latencyMs.p50), ms(x.latencyMs.p99), ms(x.latencyMs.max), ...usageCells(o, x.total)];
  };
  const [lo, hi] = settings.createClients;
  const insert = (c: number) => (sync ? L.inserts['sync'] : L.inserts[String(c)]);
  const insertLabel = (c: number) => (sync ? 'raw insert tx (sync)' : `raw insert tx ×${c}`);
  const lookup = sync ? L.lookups['sync'] : L.lookups[String(settings.lookupClients)];
  const created = (c: number) => s.creates[String(c)];
  const rows: Row[] = [];
  for (const [i, c] of [lo, hi].entries()) {
    const o = created(c);
    if (!o) continue;
    rows.push([
      ...load('creates  POST /Users', o),
      insertLabel(c),
      num(insert(c)?.perSecond ?? Number.NaN),
      ratio(ratios[`creates_c${c}_vs_raw_insert`]),
      ratio(ratios[`creates_c${c}_vs_healthz`]),
      ratio(ratios[`creates_c${c}_vs_bare_http`]),
      i === 1 ? verdictCell(verdicts[0]) : '',
    ]);
  }
  rows.push([
    ...load('lookups  GET /Users?filter', s.lookups),
    sync ? 'raw lookup (sync)' : `raw lookup ×${settings.lookupClients}`,
    num(lookup?.perSecond ?? Number.NaN),
    ratio(ratios['lookups_vs_raw_lookup']),
    ratio(ratios['lookups_vs_healthz']),
    ratio(ratios['lookups_vs_bare_http']),
    verdictCell(verdicts[1]),
  ]);
  const p = s.patch.result;
  rows.push([
    e,
    `PATCH +${p.members} members`,
    '1',
    String(p.samplesMs.length),
    '',
    `${ms(p.latencyMs.p50)}*`,
    '',
    ms(p.latencyMs.max),
    ...usageCells(s.patch, p.samplesMs.length + s.patch.result.warmups),
    `raw add ${L.addMembers.members}, ms*`,
    ms(L.addMembers.latencyMs.p50),
    ratio(ratios['patch_median_raw_over_http']),
    '',
    '',
    verdictCell(verdicts[2]),
  ]);
  rows.push(load('limit: GET /healthz', s.healthz));
  if (r.bare) {
    rows.push(load('floor: bare HTTP creates', r.bare.creates));
    rows.push(load('floor: bare HTTP lookups', r.bare.lookups));
  }
  const limitRow = (name: string, m: (typeof L.inserts)[string] | undefined, clients: string): Row =>
    m ? [e, name, clients, num(m.total), num(m.perSecond), ms(m.latencyMs.p50), ms(m.latencyMs.p99), ms(m.latencyMs.max)] : [e, name];
  for (const [c, m] of Object.entries(L.inserts)) rows.push(limitRow('limit: raw insert tx', m, c));
  for (const [c, m] of Object.entries(L.lookups)) rows.push(limitRow('limit: raw lookup', m, c));
  rows.push([
    e,
    `limit: raw add ${L.addMembers.members}`,
    sync ? 'sync' : '1',
    String(L.addMembers.samplesMs.length),
    '',
    `${ms(L.addMembers.latencyMs.p50)}*`,
    '',
    ms(L.addMembers.latencyMs.max),
  ]);
  return rows;
}

function observedOf(r: EngineReport): [string, Observed<unknown>][] {
  const s = r.scenarios;
  if (!s) return [];
  return [
    ...Object.entries(s.creates).map(([c, o]): [string, Observed<unknown>] => [`creates ×${c}`, o]),
    ['lookups', s.lookups],
    ['healthz', s.healthz],
    ['PATCH', s.patch],
    ...(r.bare
      ? ([
          ['bare HTTP creates', r.bare.creates],
          ['bare HTTP lookups', r.bare.lookups],
        ] as [string, Observed<unknown>][])
      : []),
  ];
}

export function renderReport(reports: readonly EngineReport[], settings: Settings, machine: MachineInfo, jsonPath: string): string {
  const rows: Row[] = [];
  reports.forEach((r, i) => {
    if (i > 0) rows.push([]);
    rows.push(...engineRows(r, settings));
  });
  const lines: string[] = [
    '',
    `Roster bench (${settings.mode}) — ${machine.os.type} ${machine.os.release} ${machine.os.arch}, ${machine.cpus.count} × ${machine.cpus.model}, ` +
      `${(machine.memory.totalBytes / 2 ** 30).toFixed(1)} GiB, Node ${machine.node}; fastify ${machine.packages['fastify']}, kysely ${machine.packages['kysely']}, ` +
      `better-sqlite3 ${machine.packages['better-sqlite3']}, pg ${machine.packages['pg']}`,
    `server: child process (bench/serve.ts running ${process.env['BENCH_CODE'] === 'src' ? 'src/ through tsx' : 'the built dist/, as npm start does'}), DB_POOL_SIZE=${settings.poolSize}, LOG_LEVEL=${settings.logLevel}, ` +
      `${Object.entries(settings.serverEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')} (capacity, not the guards); load: closed loop, keep-alive raw HTTP/1.1 connections to 127.0.0.1 (bench/raw-http.ts), one process`,
    '',
    renderTable(rows),
    '',
    '  rate/s: successful answers per second. ÷limit: rate ÷ the limit beside it; ÷healthz: rate ÷ GET /healthz rate (same server, same clients);',
    '  ÷bare: rate ÷ the floor row: the same requests and clients against bench/bare-server.ts (node:http and the raw driver on the same database, one transaction per create;',
    '         no authentication, SCIM, events, provisioning log, metrics or group commit).',
    `  srv / gen / pg / other: CPU during the scenario in % of one core (${machine.cpus.count} cores here) — the server process, the load generator, all local postgres processes, everything else;`,
    '  srv ms/req: server process CPU time per request (PATCH: per PATCH, including creating and reading back its group).',
    `  * PATCH rows: p50 column = median of ${settings.patchReps} runs on fresh groups (after ${settings.patchWarmups} warm-up), max = their maximum; its ÷limit = raw median ÷ HTTP median.`,
  ];
  for (const r of reports) if (r.limits) lines.push(`  ${r.engine} limits: ${r.limits.driver}; ${r.limits.note}.`);
  lines.push('');
  for (const r of reports) {
    for (const v of r.verdicts ?? []) {
      const actual = v.unit === 'ms' ? `${ms(v.actual)} ms` : `${num(v.actual)}/s`;
      const target = `${v.unit === '/s' ? '≥' : '≤'} ${num(v.target)}${v.unit === 'ms' ? ' ms' : '/s'}`;
      lines.push(`  ${v.pass ? 'PASS' : 'MISS'}  ${r.engine.padEnd(8)}  ${v.name}: ${actual} (target ${target})${v.detail ? `; ${v.detail}` : ''}`);
    }
    if (r.status === 'failed') lines.push(`  FAIL  ${r.engine.padEnd(8)}  the run failed: ${(r.error ?? '').split('\n')[0] ?? ''}`);
  }
  const noisy = reports.flatMap((r) => [
    ...observedOf(r)
      .filter(([, o]) => o.otherCores >= 0.3)
      .map(([name, o]) => `${r.engine} ${name} (${pct(o.otherCores)})`),
    ...(r.limits && r.limits.otherCores >= 0.3 ? [`${r.engine} raw limits (${pct(r.limits.otherCores)})`] : []),
  ]);
  if (noisy.length > 0) {
    lines.push(
      '',
      `  NOTE: other processes kept the machine busy during ${noisy.join(', ')} of a core; those numbers (and the ratios built on them) are distorted — rerun on a quiet machine.`,
    );
  }
  const problems = reports.flatMap((r) => r.problems.map((p) => `  ${r.engine}: ${p}`));
  lines.push(
    '',
    problems.length > 0 ? 'Server-side problems:' : 'Server-side problems: none seen (no unexpected statuses, no warn/error log lines, PATCH results verified).',
  );
  lines.push(...problems);
  for (const r of reports) {
    const s = r.scenarios;
    if (!s) continue;
    const profiled: [string, ProfileSummary | undefined][] = [
      ...Object.entries(s.creates).map(([c, o]): [string, ProfileSummary | undefined] => [`creates ×${c}`, o.profile]),
      ['lookups', s.lookups.profile],
      ['PATCH', s.patch.profile],
    ];
    for (const [name, profile] of profiled) if (profile) lines.push('', `${r.engine} server CPU profile during ${name}:`, formatProfile(profile, 8, 12));
  }
  lines.push('', `JSON: ${jsonPath}`, '');
  return lines.join('\n');
}
