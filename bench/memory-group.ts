/**
 * `npm run bench -- --memory`: the server's peak resident memory while it serves a group of
 * 100,000 members, read whole several times (GET /Groups/{id}, then a GET /Groups page holding it).
 *
 * The people are seeded straight into the database (bench/seed.ts clones SCIM-created templates),
 * the group is filled by PATCHes of 10,000 members, and only then is the process's high-water mark
 * of resident memory (VmHWM in /proc/<pid>/status) reset (writing 5 to /proc/<pid>/clear_refs), so
 * the peak reported is the one reached while serving the reads, not while seeding. Measurement
 * only: the verdict against the 200 MB budget is printed, never asserted.
 *
 * The reads run on three processes: the bench server that filled the group, a fresh bench server,
 * and `roster serve` itself (node bin/roster.js serve with the node flags of `npm start`, as
 * customers run it). The bench servers run under tsx, whose loader thread and transformed sources add about 50 MB of
 * resident memory that the shipped command does not have; the verdict is the shipped command's.
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { npmStartNodeFlags, startServer, type RunningServer } from './child.js';
import { pendingCleanups, postgresDatabase, sqliteDatabase, type BenchDatabase } from './databases.js';
import { SCIM_HEADERS } from './fixtures.js';
import { HttpClient } from './load.js';
import { progress } from './observe.js';
import type { Engine } from './report.js';
import { createTemplates, TenantSeeder } from './seed.js';

export interface MemorySettings {
  readonly members: number;
  /** Full reads of the group, one after another. */
  readonly reads: number;
  readonly patchBatch: number;
  readonly seedChunk: number;
  readonly budgetMb: number;
}

export const MEMORY_SETTINGS: MemorySettings = { members: 100_000, reads: 5, patchBatch: 10_000, seedChunk: 5_000, budgetMb: 200 };

/** The reads on one server process. */
export interface ReadsOnServer {
  /** VmRSS after a full collection, before the reads. */
  readonly baselineMb: number;
  /** VmHWM over the reads (reset just before them). */
  readonly peakMb: number;
  /** VmRSS once the reads were done. */
  readonly afterMb: number;
  readonly bytesPerRead: number;
  readonly readMs: number[];
  readonly listReadMs: number;
  readonly verified: boolean;
}

export interface MemoryGroupReport {
  readonly engine: Engine;
  readonly status: 'ok' | 'failed';
  readonly error?: string;
  readonly members?: number;
  /** On the server that was just made to fill the group (its PATCH bodies' memory still held). */
  readonly filled?: ReadsOnServer;
  /** On a fresh bench server over the same database: serving alone. */
  readonly fresh?: ReadsOnServer;
  /** On `roster serve` (node bin/roster.js serve) over the same database: what customers run. */
  readonly shipped?: ReadsOnServer;
  readonly budgetMb: number;
  /** Whether the peak while serving (the shipped command) is within budget and every read verified. */
  readonly pass?: boolean;
}

const MB = 1024 * 1024;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? (Number(match[1]) * 1024) / MB : Number.NaN;
}

const PATCH_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export async function runMemoryGroup(
  engine: Engine,
  options: { root: string; pgUrl: string; poolSize: number; logLevel: string; serverEnv: Readonly<Record<string, string>> },
  settings: MemorySettings = MEMORY_SETTINGS,
): Promise<MemoryGroupReport> {
  let database: BenchDatabase | undefined;
  let server: RunningServer | undefined;
  let seeder: TenantSeeder | undefined;
  let client: HttpClient | undefined;
  try {
    process.stderr.write(`${engine} (memory):\n`);
    database = engine === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
    pendingCleanups.add(database.dispose);
    server = await startServer({
      databaseUrl: database.serverUrl,
      poolSize: options.poolSize,
      logLevel: options.logLevel,
      env: options.serverEnv,
      tenants: ['mem'],
      cwd: options.root,
    });
    const live = server;
    const token = live.tokens['mem'] ?? '';
    const tenantId = live.tenantIds['mem'] ?? '';
    const headers = { ...SCIM_HEADERS, authorization: `Bearer ${token}` };
    client = new HttpClient(live.port, 1);
    const http = client;

    progress(`seed: ${settings.members.toLocaleString('en-US')} people`);
    seeder = await TenantSeeder.open(engine, database.serverUrl);
    const templates = await createTemplates(live.port, token, tenantId, 'mem');
    await seeder.learn(templates);
    const cloned = settings.members - templates.ids.length;
    await seeder.clone(templates, 0, cloned, settings.seedChunk);
    await seeder.settle();
    const ids = [...templates.ids, ...(await seeder.ids(tenantId, 'mem', 0, cloned))];

    progress(`group: ${ids.length.toLocaleString('en-US')} members in PATCHes of ${settings.patchBatch.toLocaleString('en-US')}`);
    const created = await http.send({
      method: 'POST',
      path: '/scim/v2/Groups',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone (bench)' }),
    });
    if (created.status !== 201) throw new Error(`creating the group answered ${created.status}: ${created.body.slice(0, 300)}`);
    const groupId = (JSON.parse(created.body) as { id: string }).id;
    for (let at = 0; at < ids.length; at += settings.patchBatch) {
      const value = ids.slice(at, at + settings.patchBatch).map((id) => ({ value: id }));
      const answer = await http.send({
        method: 'PATCH',
        path: `/scim/v2/Groups/${groupId}`,
        headers,
        body: JSON.stringify({ schemas: [PATCH_URN], Operations: [{ op: 'add', path: 'members', value }] }),
      });
      if (answer.status !== 204 && answer.status !== 200) throw new Error(`PATCH answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    }

    const reads = async (on: { readonly pid: number; readonly port: number; gc(): Promise<unknown> }, label: string): Promise<ReadsOnServer> => {
      const client = new HttpClient(on.port, 1);
      try {
        await on.gc();
        const baselineMb = statusField(on.pid, 'VmRSS');
        // From here on VmHWM is the peak of the reads alone (proc(5), clear_refs: 5 resets the high-water mark).
        writeFileSync(`/proc/${on.pid}/clear_refs`, '5');
        progress(
          `reads (${label}): ${settings.reads} × GET /Groups/{id} with every member, then one GET /Groups page holding the group (baseline ${baselineMb.toFixed(0)} MB)`,
        );
        const readMs: number[] = [];
        let bytesPerRead = 0;
        let verified = true;
        for (let i = 0; i < settings.reads; i++) {
          const t0 = performance.now();
          const answer = await client.send({ method: 'GET', path: `/scim/v2/Groups/${groupId}`, headers });
          readMs.push(performance.now() - t0);
          bytesPerRead = Buffer.byteLength(answer.body);
          const members = answer.status === 200 ? ((JSON.parse(answer.body) as { members?: unknown[] }).members ?? []).length : -1;
          if (members !== ids.length) verified = false;
        }
        const t1 = performance.now();
        const filter = encodeURIComponent('displayName eq "Everyone (bench)"');
        const listed = await client.send({ method: 'GET', path: `/scim/v2/Groups?filter=${filter}`, headers });
        const listReadMs = performance.now() - t1;
        const listMembers = listed.status === 200 ? ((JSON.parse(listed.body) as { Resources?: { members?: unknown[] }[] }).Resources?.[0]?.members ?? []).length : -1;
        if (listMembers !== ids.length) verified = false;
        return { baselineMb, peakMb: statusField(on.pid, 'VmHWM'), afterMb: statusField(on.pid, 'VmRSS'), bytesPerRead, readMs, listReadMs, verified };
      } finally {
        client.close();
      }
    };
    const filled = await reads(live, 'the server that filled the group');
    http.close();
    client = undefined;
    await live.stop();
    // The same database, a process that has done nothing else: the memory serving the group takes.
    server = await startServer({
      databaseUrl: database.serverUrl,
      poolSize: options.poolSize,
      logLevel: options.logLevel,
      env: options.serverEnv,
      tenants: [],
      cwd: options.root,
    });
    const fresh = await reads(server, 'a fresh bench server');
    await server.stop();
    server = undefined;
    const shipped = await shippedServer(options.root, database.serverUrl, options.poolSize);
    let shippedReads: ReadsOnServer;
    try {
      shippedReads = await reads(shipped, 'roster serve');
    } finally {
      await shipped.stop();
    }
    return {
      engine,
      status: 'ok',
      members: ids.length,
      filled,
      fresh,
      shipped: shippedReads,
      budgetMb: settings.budgetMb,
      pass: shippedReads.verified && fresh.verified && filled.verified && shippedReads.peakMb <= settings.budgetMb,
    };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${engine} memory scenario failed: ${message}\n`);
    return { engine, status: 'failed', error: message, budgetMb: settings.budgetMb };
  } finally {
    client?.close();
    await seeder?.close().catch(() => {});
    if (server) await server.stop().catch(() => {});
    if (database) {
      await database.dispose().catch((e: unknown) => process.stderr.write(`cleanup of the ${engine} database failed: ${String(e)}\n`));
      pendingCleanups.delete(database.dispose);
    }
  }
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `node bin/roster.js serve` with `npm start`'s node flags on the bench's database, with the
 * defaults but the pool size, once it answers /healthz. It has no garbage-collection hook: its baseline is taken after a few requests.
 */
async function shippedServer(root: string, databaseUrl: string, poolSize: number): Promise<{ pid: number; port: number; gc(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  // BENCH_SHIPPED_NODE_FLAGS: V8 flags for this process only (e.g. --max-semi-space-size=2), to measure what they change.
  const flags = (process.env['BENCH_SHIPPED_NODE_FLAGS'] ?? '').split(/\s+/).filter((f) => f !== '');
  const stdoutFile = process.env['BENCH_SHIPPED_STDOUT'];
  const child = spawn(process.execPath, [...npmStartNodeFlags(root), ...flags, join(root, 'bin', 'roster.js'), 'serve'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', DB_POOL_SIZE: String(poolSize), LOG_LEVEL: 'warn' },
    // BENCH_SHIPPED_STDOUT: a file for the process's standard output (what --trace-gc prints).
    stdio: ['ignore', stdoutFile ? openSync(stdoutFile, 'a') : 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr?.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const client = new HttpClient(port, 1);
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`roster serve exited (${child.exitCode}): ${said}`);
      const answer = await client.send({ method: 'GET', path: '/healthz' }).catch(() => undefined);
      if (answer?.status === 200) break;
      if (attempt > 600) throw new Error(`roster serve did not answer /healthz: ${said}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    client.close();
    await stop();
    throw error;
  }
  client.close();
  return { pid: child.pid ?? 0, port, gc: async () => {}, stop };
}

/** The memory scenario's lines for the report. */
export function renderMemoryGroup(reports: readonly MemoryGroupReport[]): string {
  const lines = ['Memory: peak resident set (VmHWM) of the server while serving a 100,000-member group whole', ''];
  lines.push(['engine', 'server', 'members', 'baseline MB', 'peak MB', 'after MB', 'body MB', 'GET ms (median)', 'list GET ms', 'budget', 'verdict'].join(' | '));
  for (const r of reports) {
    if (r.status !== 'ok') {
      lines.push(`${r.engine} | failed: ${(r.error ?? '').split('\n')[0] ?? ''}`);
      continue;
    }
    for (const [label, on] of [
      ['after filling it', r.filled],
      ['fresh bench server (tsx)', r.fresh],
      ['roster serve', r.shipped],
    ] as const) {
      if (!on) continue;
      const sorted = [...on.readMs].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      const verdict = !on.verified
        ? 'MISS (reads did not verify)'
        : label === 'roster serve'
          ? on.peakMb <= r.budgetMb
            ? 'PASS'
            : 'MISS'
          : label === 'after filling it'
            ? '(baseline: the filling PATCHes)'
            : '(under tsx: for comparison)';
      lines.push(
        [
          r.engine,
          label,
          (r.members ?? 0).toLocaleString('en-US'),
          on.baselineMb.toFixed(0),
          on.peakMb.toFixed(0),
          on.afterMb.toFixed(0),
          (on.bytesPerRead / MB).toFixed(1),
          median.toFixed(0),
          on.listReadMs.toFixed(0),
          `≤ ${r.budgetMb} MB`,
          verdict,
        ].join(' | '),
      );
    }
  }
  return `${lines.join('\n')}\n\n`;
}
