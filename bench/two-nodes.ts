/**
 * `npm run bench -- --two-nodes`: how throughput grows with a second Roster process on the same
 * PostgreSQL database (SQLite is one process by design).
 *
 * On a fresh database, one server (node A) is started with two tenants; a second (node B) is
 * started on the same database and serves the same tenants with the same tokens, as a second node
 * behind a load balancer would. Then, each phase once on A alone and once on A and B together (the
 * same number of clients per node, so two nodes get twice the clients):
 *   creates   POST /Users, 8 clients per node, tenant `n1` on A and `n2` on B;
 *   lookups   GET /Users?filter=userName eq …, 8 clients per node, over the people just created.
 * The combined rate is all answers ÷ the longer of the two nodes' spans. Each node's and
 * PostgreSQL's CPU share over the span say which of them was the limit.
 *
 * Measurement only: printed, never asserted.
 */
import os from 'node:os';
import { startServer, type RunningServer } from './child.js';
import { pendingCleanups, postgresDatabase, type BenchDatabase } from './databases.js';
import { creates, lookups } from './scenarios.js';
import type { LoadResult } from './load.js';
import { postgresCpuMs, postgresDelta, hostCpu } from './machine.js';
import { progress } from './observe.js';
import { okRate } from './report.js';

export interface TwoNodeSettings {
  readonly creates: number;
  readonly lookups: number;
  readonly clientsPerNode: number;
}

export function twoNodeSettingsFor(quick: boolean): TwoNodeSettings {
  return quick ? { creates: 500, lookups: 1000, clientsPerNode: 8 } : { creates: 4000, lookups: 8000, clientsPerNode: 8 };
}

export interface NodePhase {
  readonly perSecond: number;
  readonly ok: number;
  readonly total: number;
  readonly p99Ms: number;
  readonly serverCpuShare: number;
}

export interface TwoNodePhase {
  /** Answers per second over the span of the phase, all nodes together. */
  readonly combinedPerSecond: number;
  readonly nodes: readonly NodePhase[];
  readonly postgresCpuShare: number;
  readonly hostCpuShare: number;
}

export interface TwoNodeReport {
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly cores: number;
  readonly one?: { creates: TwoNodePhase; lookups: TwoNodePhase };
  readonly two?: { creates: TwoNodePhase; lookups: TwoNodePhase };
}

/** Runs one load per node at once and answers the combined figures. */
async function together(nodes: readonly RunningServer[], label: string, load: (node: RunningServer, index: number) => Promise<LoadResult>): Promise<TwoNodePhase> {
  await Promise.all(nodes.map((n) => n.mark(`before-${label}`)));
  const pg0 = postgresCpuMs();
  const host0 = hostCpu();
  const t0 = performance.now();
  const results = await Promise.all(nodes.map((n, i) => load(n, i)));
  const wallMs = performance.now() - t0;
  const usages = await Promise.all(nodes.map((n) => n.mark(label)));
  const host1 = hostCpu();
  const ok = results.reduce((sum, r) => sum + r.ok, 0);
  return {
    combinedPerSecond: (ok / wallMs) * 1000,
    nodes: results.map((r, i) => ({ perSecond: okRate(r), ok: r.ok, total: r.total, p99Ms: r.latencyMs.p99, serverCpuShare: usages[i]?.cpuShare ?? Number.NaN })),
    postgresCpuShare: postgresDelta(pg0, postgresCpuMs()) / wallMs,
    hostCpuShare: (host1.busy - host0.busy) / Math.max(host1.total - host0.total, 1),
  };
}

export async function runTwoNodes(
  options: { root: string; pgUrl: string; poolSize: number; logLevel: string; serverEnv: Readonly<Record<string, string>> },
  settings: TwoNodeSettings,
): Promise<TwoNodeReport> {
  let database: BenchDatabase | undefined;
  const servers: RunningServer[] = [];
  process.stderr.write('postgres (two nodes):\n');
  try {
    database = await postgresDatabase(options.pgUrl);
    pendingCleanups.add(database.dispose);
    const start = (tenants: string[]) =>
      startServer({ databaseUrl: database?.serverUrl ?? '', poolSize: options.poolSize, logLevel: options.logLevel, env: options.serverEnv, tenants, cwd: options.root });
    const a = await start(['n1', 'n2', 'warm']);
    servers.push(a);
    const b = await start([]);
    servers.push(b);
    // Node B serves A's tenants with A's tokens: the credentials are in the shared database.
    const nodeB: RunningServer = { ...b, tokens: a.tokens };

    progress('warm-up on both nodes (not reported)');
    for (const node of [a, nodeB]) {
      const warm = await creates(node, 'warm', { prefix: `warm${node.port}`, count: 300, clients: 8 });
      await lookups(node, 'warm', { userNames: warm.userNames, count: 1000, clients: 8 });
    }

    const names: string[][] = [[], []];
    const run = async (nodes: RunningServer[], round: string) => {
      progress(`${round}: ${settings.creates} creates per node, ${settings.clientsPerNode} clients each, on ${nodes.length} node(s)`);
      const made = await together(nodes, `${round}-creates`, async (node, i) => {
        const outcome = await creates(node, `n${i + 1}`, { prefix: `${round}n${i + 1}`, count: settings.creates, clients: settings.clientsPerNode });
        names[i] = outcome.userNames;
        return outcome.result;
      });
      progress(`${round}: ${settings.lookups} lookups per node, ${settings.clientsPerNode} clients each`);
      const found = await together(nodes, `${round}-lookups`, (node, i) =>
        lookups(node, `n${i + 1}`, { userNames: names[i] ?? [], count: settings.lookups, clients: settings.clientsPerNode }),
      );
      return { creates: made, lookups: found };
    };
    const one = await run([a], 'one');
    const two = await run([a, nodeB], 'two');
    return { status: 'ok', cores: os.cpus().length, one, two };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`two nodes failed: ${message}\n`);
    return { status: 'failed', error: message, cores: os.cpus().length };
  } finally {
    for (const server of servers) await server.stop().catch(() => {});
    if (database) {
      await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the PostgreSQL database failed: ${String(e)}\n`));
      pendingCleanups.delete(database.dispose);
    }
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—');

export function renderTwoNodes(report: TwoNodeReport, settings: TwoNodeSettings): string {
  if (report.status !== 'ok' || !report.one || !report.two) return `Two nodes on one PostgreSQL: FAILED ${report.error?.split('\n')[0] ?? ''}\n`;
  const lines = [`Two Roster nodes on one PostgreSQL (${report.cores} cores; ${settings.clientsPerNode} clients per node)`];
  lines.push('  phase      one node/s   two nodes/s   ×     node CPU (cores)     PostgreSQL CPU   machine busy');
  for (const phase of ['creates', 'lookups'] as const) {
    const one = report.one[phase];
    const two = report.two[phase];
    const cpu = (p: TwoNodePhase) => p.nodes.map((n) => fmt(n.serverCpuShare, 2)).join(' + ');
    lines.push(
      `  ${phase.padEnd(9)} ${fmt(one.combinedPerSecond).padStart(11)}   ${fmt(two.combinedPerSecond).padStart(11)}   ${fmt(two.combinedPerSecond / one.combinedPerSecond, 2).padStart(4)}  ${`${cpu(one)} → ${cpu(two)}`.padEnd(20)} ${`${fmt(one.postgresCpuShare, 2)} → ${fmt(two.postgresCpuShare, 2)}`.padEnd(16)} ${fmt(one.hostCpuShare * 100)}% → ${fmt(two.hostCpuShare * 100)}%`,
    );
  }
  return `${lines.join('\n')}\n`;
}
