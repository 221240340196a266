/**
 * `npm run bench -- --peer-shape`: the workload the comparison with the most self-hosted open-source
 * SCIM directory-sync server was measured with, sent as it was: on a fresh server and database,
 *   1. 2,000 POST /Users from 1 client,
 *   2. 2,000 POST /Users from 8 clients,
 *   3. 4,000 GET /Users?filter=userName eq "…" from 8 clients (the first lookups after start: cold),
 *   4. one PATCH /Groups/{id} adding 1,000 members to a fresh group,
 * three rounds, each on a fresh server and database, with the median round reported. After the
 * four phases (so they do not change them) the same server answers 4,000 GET /healthz and 4,000
 * more lookups, so the cold lookups can be set against the empty route of the same run and against
 * the same lookups once V8 has optimised their path (what the warm-up buys).
 *
 * `--peer-url http://127.0.0.1:PORT/scim/base --peer-token TOKEN` sends the same four phases to
 * another SCIM server (on this machine only), once, so that anyone can reproduce the comparison;
 * that server's directory is the caller's to reset between runs.
 *
 * Measurement only: verdicts are printed, never asserted.
 */
import { startServer, type RunningServer } from './child.js';
import { pendingCleanups, postgresDatabase, sqliteDatabase, type BenchDatabase } from './databases.js';
import { addMembersPatch, benchUserName, oktaUser, scatter, SCIM_HEADERS } from './fixtures.js';
import { HttpClient, httpLoad, type LoadResult } from './load.js';
import { progress } from './observe.js';
import { okRate, type Engine } from './report.js';

export interface PeerShapeSettings {
  readonly rounds: number;
  readonly creates: number;
  readonly lookups: number;
  readonly clients: number;
  readonly patchMembers: number;
  readonly healthz: number;
}

export function peerShapeSettingsFor(quick: boolean): PeerShapeSettings {
  return quick
    ? { rounds: 1, creates: 400, lookups: 800, clients: 8, patchMembers: 400, healthz: 800 }
    : { rounds: 3, creates: 2000, lookups: 4000, clients: 8, patchMembers: 1000, healthz: 4000 };
}

/**
 * The peer's figures as they were recorded on this machine (one sitting, three quiet rounds each,
 * the same load generator), with the /healthz rate Roster showed in that sitting: the machine's
 * speed then, so that a run on a faster or slower hour can be compared fairly.
 */
export const PEER_RECORDED = {
  product: 'Ory Polis 26.2.0',
  healthzPerSecond: 12_750, // Roster's /healthz in that sitting: 12,000–13,500/s
  sqlite: { createsC1: 213, createsC8: 277, lookupsC8: 1328, patchMs: 2589 },
  postgres: { createsC1: 150, createsC8: 334, lookupsC8: 830, patchMs: 3090 },
} as const;

/** Where the four phases are sent: a SCIM base path on a port of 127.0.0.1, with a bearer token. */
export interface ScimTarget {
  readonly port: number;
  readonly basePath: string;
  readonly token: string;
}

export interface PhaseFigures {
  readonly perSecond: number;
  readonly ok: number;
  readonly total: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server CPU (user + system) per request, when the server is ours to observe. */
  readonly serverCpuMsPerRequest?: number;
  readonly statuses: Record<string, number>;
  readonly unexpected: readonly string[];
}

export interface PeerShapeRound {
  readonly createsC1: PhaseFigures;
  readonly createsC8: PhaseFigures;
  readonly lookupsCold: PhaseFigures;
  readonly patchMs: number;
  readonly patchVerified: boolean;
  /** After the four phases, on the same server (Roster only). */
  readonly healthz?: PhaseFigures;
  readonly lookupsWarm?: PhaseFigures;
}

export interface PeerShapeReport {
  readonly engine: Engine | 'external';
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly target?: string;
  readonly rounds: readonly PeerShapeRound[];
  /** The round with the median 8-client create rate. */
  readonly median?: PeerShapeRound;
}

function figures(r: LoadResult, serverCpuMs?: number): PhaseFigures {
  return {
    perSecond: okRate(r),
    ok: r.ok,
    total: r.total,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    ...(serverCpuMs !== undefined ? { serverCpuMsPerRequest: serverCpuMs / Math.max(r.total, 1) } : {}),
    statuses: r.statuses,
    unexpected: r.unexpected,
  };
}

/** Runs `phase` between two server marks (when there is a server to mark) and answers its figures. */
async function measured(server: RunningServer | undefined, label: string, phase: () => Promise<LoadResult>): Promise<{ result: LoadResult; figures: PhaseFigures }> {
  if (server) await server.mark(`before-${label}`);
  const result = await phase();
  const usage = server ? await server.mark(label) : undefined;
  return { result, figures: figures(result, usage ? usage.cpuUserMs + usage.cpuSystemMs : undefined) };
}

function headersFor(target: ScimTarget): Record<string, string> {
  return { ...SCIM_HEADERS, authorization: `Bearer ${target.token}` };
}

async function createPeople(target: ScimTarget, prefix: string, count: number, clients: number, userNames: string[], ids: string[]): Promise<LoadResult> {
  const headers = headersFor(target);
  return httpLoad({
    port: target.port,
    clients,
    total: count,
    request: (i) => ({ method: 'POST', path: `${target.basePath}/Users`, headers, body: JSON.stringify(oktaUser(prefix, i)) }),
    expect: (answer) => answer.status === 201,
    onAnswer: (answer, i) => {
      if (answer.status !== 201) return;
      const id = (JSON.parse(answer.body) as { id?: unknown }).id;
      if (typeof id !== 'string') return;
      ids.push(id);
      userNames.push(benchUserName(prefix, i));
    },
  });
}

function lookUp(target: ScimTarget, userNames: readonly string[], count: number, clients: number, offset: number): Promise<LoadResult> {
  const headers = headersFor(target);
  return httpLoad({
    port: target.port,
    clients,
    total: count,
    request: (i) => {
      const filter = encodeURIComponent(`userName eq "${userNames[scatter(i + offset, userNames.length)] ?? ''}"`);
      return { method: 'GET', path: `${target.basePath}/Users?filter=${filter}`, headers };
    },
    // One match, however the server spaces its JSON: a lookup that finds nothing is fast and wrong.
    expect: (answer) => answer.status === 200 && /"totalResults"\s*:\s*1\b/.test(answer.body),
  });
}

async function patchMembers(target: ScimTarget, memberIds: readonly string[], label: string): Promise<{ ms: number; verified: boolean; problem?: string }> {
  const headers = headersFor(target);
  const client = new HttpClient(target.port, 1);
  try {
    const created = await client.send({
      method: 'POST',
      path: `${target.basePath}/Groups`,
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `peer-shape ${label}` }),
    });
    if (created.status !== 201) return { ms: Number.NaN, verified: false, problem: `POST /Groups → ${created.status} ${created.body.slice(0, 200)}` };
    const groupId = (JSON.parse(created.body) as { id: string }).id;
    const t0 = process.hrtime.bigint();
    const answer = await client.send({ method: 'PATCH', path: `${target.basePath}/Groups/${groupId}`, headers, body: addMembersPatch(memberIds) });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (answer.status !== 200 && answer.status !== 204) return { ms, verified: false, problem: `PATCH → ${answer.status} ${answer.body.slice(0, 200)}` };
    const read = await client.send({ method: 'GET', path: `${target.basePath}/Groups/${groupId}?attributes=members`, headers });
    const members = read.status === 200 ? ((JSON.parse(read.body) as { members?: unknown[] }).members ?? []) : [];
    const verified = members.length === memberIds.length;
    return { ms, verified, ...(verified ? {} : { problem: `GET /Groups/${groupId} → ${read.status}, ${members.length} of ${memberIds.length} members` }) };
  } finally {
    client.close();
  }
}

/** The four phases against one target; then, when the server is ours, /healthz and warm lookups. */
async function oneRound(target: ScimTarget, server: RunningServer | undefined, settings: PeerShapeSettings, label: string): Promise<PeerShapeRound> {
  const userNames: string[] = [];
  const ids: string[] = [];
  progress(`${label}: ${settings.creates} creates, 1 client`);
  const c1 = await measured(server, 'peer-creates-c1', () => createPeople(target, `${label}-c1`, settings.creates, 1, userNames, ids));
  progress(`${label}: ${settings.creates} creates, ${settings.clients} clients`);
  const c8 = await measured(server, 'peer-creates-c8', () => createPeople(target, `${label}-c8`, settings.creates, settings.clients, userNames, ids));
  if (userNames.length === 0) throw new Error(`no create succeeded: ${c1.result.unexpected.slice(0, 2).join(' | ')}`);
  progress(`${label}: ${settings.lookups} userName eq lookups, ${settings.clients} clients (the first after start)`);
  const cold = await measured(server, 'peer-lookups-cold', () => lookUp(target, userNames, settings.lookups, settings.clients, 0));
  progress(`${label}: one PATCH adding ${settings.patchMembers} members`);
  const patch = await patchMembers(target, ids.slice(0, settings.patchMembers), label);
  if (patch.problem) progress(`${label}: ${patch.problem}`);
  const round: PeerShapeRound = { createsC1: c1.figures, createsC8: c8.figures, lookupsCold: cold.figures, patchMs: patch.ms, patchVerified: patch.verified };
  if (!server) return round;
  progress(`${label}: ${settings.healthz} GET /healthz and ${settings.lookups} more lookups (after the four phases)`);
  const healthz = await measured(server, 'peer-healthz', () =>
    httpLoad({
      port: target.port,
      clients: settings.clients,
      total: settings.healthz,
      request: () => ({ method: 'GET', path: '/healthz' }),
      expect: (a) => a.status === 200,
    }),
  );
  const warm = await measured(server, 'peer-lookups-warm', () => lookUp(target, userNames, settings.lookups, settings.clients, settings.lookups));
  return { ...round, healthz: healthz.figures, lookupsWarm: warm.figures };
}

function medianRound(rounds: readonly PeerShapeRound[]): PeerShapeRound | undefined {
  const sorted = [...rounds].sort((a, b) => a.createsC8.perSecond - b.createsC8.perSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** `rounds` rounds of the four phases on Roster, each on a fresh database and a fresh server. */
export async function runPeerShape(
  engine: Engine,
  options: { root: string; pgUrl: string; poolSize: number; logLevel: string; serverEnv: Readonly<Record<string, string>> },
  settings: PeerShapeSettings,
): Promise<PeerShapeReport> {
  const rounds: PeerShapeRound[] = [];
  process.stderr.write(`${engine} (peer shape):\n`);
  try {
    for (let round = 1; round <= settings.rounds; round++) {
      let database: BenchDatabase | undefined;
      let server: RunningServer | undefined;
      try {
        database = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
        pendingCleanups.add(database.dispose);
        server = await startServer({
          databaseUrl: database.serverUrl,
          poolSize: options.poolSize,
          logLevel: options.logLevel,
          env: options.serverEnv,
          tenants: ['peer'],
          cwd: options.root,
        });
        const target: ScimTarget = { port: server.port, basePath: '/scim/v2', token: server.tokens['peer'] ?? '' };
        rounds.push(await oneRound(target, server, settings, `r${round}`));
      } finally {
        if (server) await server.stop().catch(() => {});
        if (database) {
          await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} database failed: ${String(e)}\n`));
          pendingCleanups.delete(database.dispose);
        }
      }
    }
    const median = medianRound(rounds);
    return { engine, status: 'ok', rounds, ...(median ? { median } : {}) };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} peer shape failed: ${message}\n`);
    return { engine, status: 'failed', error: message, rounds };
  }
}

/** The four phases, once, against another SCIM server on this machine. */
export async function runPeerShapeExternal(url: string, token: string, settings: PeerShapeSettings): Promise<PeerShapeReport> {
  const parsed = new URL(url);
  // Load goes to this machine only.
  if (parsed.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(parsed.hostname)) throw new Error(`--peer-url must be http://127.0.0.1:PORT/…, not ${url}`);
  const target: ScimTarget = { port: Number(parsed.port || 80), basePath: parsed.pathname.replace(/\/+$/, ''), token };
  process.stderr.write(`external SCIM server ${url} (peer shape):\n`);
  try {
    const round = await oneRound(target, undefined, settings, `x${Date.now().toString(36)}`);
    return { engine: 'external', status: 'ok', target: url, rounds: [round], median: round };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { engine: 'external', status: 'failed', target: url, error: message, rounds: [] };
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

/** The table: each phase, Roster's median round, the peer's recorded figure, and the ratio raw and speed-adjusted. */
export function renderPeerShape(reports: readonly PeerShapeReport[], settings: PeerShapeSettings): string {
  const lines: string[] = [];
  lines.push(`Peer-shaped workload (${settings.rounds} round(s), fresh server and database each; median round by creates ×${settings.clients})`);
  lines.push(
    `Peer figures: ${PEER_RECORDED.product}, recorded on this machine when /healthz ran at ~${fmt(PEER_RECORDED.healthzPerSecond)}/s; "adj." scales the peer to this run's /healthz rate.`,
  );
  const full = peerShapeSettingsFor(false);
  if (settings.creates !== full.creates || settings.patchMembers !== full.patchMembers || settings.lookups !== full.lookups) {
    lines.push(`Counts differ from the peer's (${full.creates} creates, ${full.lookups} lookups, ${full.patchMembers} members): the ×peer columns are indicative only.`);
  }
  for (const report of reports) {
    lines.push('');
    if (report.status !== 'ok' || !report.median) {
      lines.push(`${report.engine}: FAILED ${report.error?.split('\n')[0] ?? ''}`);
      continue;
    }
    const m = report.median;
    const peer = report.engine === 'external' ? undefined : PEER_RECORDED[report.engine];
    const speed = m.healthz ? m.healthz.perSecond / PEER_RECORDED.healthzPerSecond : Number.NaN;
    lines.push(
      `${report.engine}${report.target ? ` ${report.target}` : ''}: /healthz ${m.healthz ? `${fmt(m.healthz.perSecond)}/s` : '—'} (machine speed ×${fmt(speed, 2)} of the peer's sitting)`,
    );
    lines.push('  phase                          roster        p99 ms   cpu ms/req   peer      ×peer   ×peer adj.');
    const row = (name: string, value: number, unit: string, p99: number, cpu: number | undefined, peerValue: number | undefined, higherIsBetter: boolean) => {
      const ratio = peerValue === undefined ? Number.NaN : higherIsBetter ? value / peerValue : peerValue / value;
      const adjusted = ratio / (Number.isFinite(speed) ? speed : Number.NaN);
      lines.push(
        `  ${name.padEnd(30)} ${`${fmt(value, unit === 'ms' ? 1 : 0)}${unit}`.padStart(10)}  ${fmt(p99, 1).padStart(8)}  ${fmt(cpu ?? Number.NaN, 3).padStart(10)}  ${fmt(peerValue ?? Number.NaN).padStart(7)}  ${fmt(ratio, 1).padStart(6)}  ${fmt(adjusted, 1).padStart(9)}`,
      );
    };
    row('creates, 1 client', m.createsC1.perSecond, '/s', m.createsC1.p99Ms, m.createsC1.serverCpuMsPerRequest, peer?.createsC1, true);
    row(`creates, ${settings.clients} clients`, m.createsC8.perSecond, '/s', m.createsC8.p99Ms, m.createsC8.serverCpuMsPerRequest, peer?.createsC8, true);
    row(`lookups, ${settings.clients} clients (cold)`, m.lookupsCold.perSecond, '/s', m.lookupsCold.p99Ms, m.lookupsCold.serverCpuMsPerRequest, peer?.lookupsC8, true);
    row(`PATCH +${settings.patchMembers} members${m.patchVerified ? '' : ' (UNVERIFIED)'}`, m.patchMs, 'ms', Number.NaN, undefined, peer?.patchMs, false);
    if (m.healthz && m.lookupsWarm) {
      const coldRatio = m.lookupsCold.perSecond / m.healthz.perSecond;
      const warmRatio = m.lookupsWarm.perSecond / m.healthz.perSecond;
      const cpuRatio = (m.lookupsCold.serverCpuMsPerRequest ?? Number.NaN) / (m.healthz.serverCpuMsPerRequest ?? Number.NaN);
      lines.push(
        `  lookups from cold start ÷ /healthz: ${fmt(coldRatio, 2)} (target ≥ 0.60: ${coldRatio >= 0.6 ? 'PASS' : 'MISS'}); server CPU per lookup ÷ per /healthz: ${fmt(cpuRatio, 2)} (target ≤ ~1.7: ${cpuRatio <= 1.7 ? 'PASS' : 'MISS'})`,
      );
      lines.push(
        `  warm lookups (the next ${settings.lookups}): ${fmt(m.lookupsWarm.perSecond)}/s, ${fmt(m.lookupsWarm.serverCpuMsPerRequest ?? Number.NaN, 3)} ms CPU each, ÷ /healthz ${fmt(warmRatio, 2)}: the warm-up buys ×${fmt(m.lookupsWarm.perSecond / m.lookupsCold.perSecond, 2)}`,
      );
    }
    const failed = [m.createsC1, m.createsC8, m.lookupsCold].filter((f) => f.ok !== f.total);
    for (const f of failed) lines.push(`  unexpected answers: ${f.total - f.ok} of ${f.total} ${JSON.stringify(f.statuses)} ${f.unexpected.slice(0, 1).join('')}`);
  }
  return `${lines.join('\n')}\n`;
}
