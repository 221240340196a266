/**
 * The machine the bench runs on: what it is (for the JSON), and how busy it is — the whole host,
 * the local PostgreSQL processes — so that other people's work landing in a measurement is seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** What the numbers were measured on, for the JSON. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    os: { type: os.type(), platform: os.platform(), release: os.release(), version: os.version(), arch: os.arch() },
    cpus: { count: cpus.length, model: cpus[0]?.model ?? 'unknown', speedMHz: cpus[0]?.speed ?? 0, availableParallelism: os.availableParallelism() },
    memory: { totalBytes: os.totalmem(), freeBytesAtStart: os.freemem() },
    loadAverageAtStart: os.loadavg(),
    node: process.version,
    v8: process.versions.v8,
    packages: Object.fromEntries(['fastify', 'kysely', 'better-sqlite3', 'pg', 'tsx', 'typescript'].map((p) => [p, packageVersion(p)])),
  };
}

/** Busy and total CPU time of the whole machine so far, in ms summed over cores. */
export function hostCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU ms used so far by each local PostgreSQL process (Linux /proc; empty elsewhere). */
export function postgresCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND); // utime + stime
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** CPU ms PostgreSQL processes used between two readings (processes that ended meanwhile are missed). */
export function postgresDelta(before: Map<string, number>, after: Map<string, number>): number {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/**
 * Waits (up to `maxMs`) until the machine is quiet — less than a fifth of a core busy over half a
 * second — so other people's builds and tests do not land in the numbers. Answers the busy cores
 * seen last.
 */
export async function waitForQuiet(maxMs: number, progress: (message: string) => void): Promise<number> {
  const cores = os.cpus().length;
  const deadline = Date.now() + maxMs;
  let announced = false;
  for (;;) {
    const a = hostCpu();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const b = hostCpu();
    const busyCores = ((b.busy - a.busy) / Math.max(b.total - a.total, 1)) * cores;
    if (busyCores < 0.2 || Date.now() >= deadline) {
      if (announced) progress(busyCores < 0.2 ? 'quiet now' : `still busy (${busyCores.toFixed(1)} cores); measuring anyway`);
      return busyCores;
    }
    if (!announced) progress(`machine busy with other work (${busyCores.toFixed(1)} cores); waiting up to ${maxMs / 1000} s for it to settle…`);
    announced = true;
  }
}
