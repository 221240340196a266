/**
 * Running a measured span and seeing who kept the machine busy meanwhile: the server (its marks),
 * this process (the load generator), PostgreSQL's processes and everything else. Shared by the
 * core scenarios (run.ts) and the scale scenarios (scale/).
 */
import os from 'node:os';
import { relative } from 'node:path';
import type { RunningServer } from './child.js';
import { hostCpu, postgresCpuMs, postgresDelta, waitForQuiet } from './machine.js';
import { summariseProfile } from './profile.js';
import type { Observed } from './report.js';

/** A progress line on stderr (stdout carries the report). */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/**
 * Runs a scenario between two server marks, with the CPU use over the same span of this process
 * (the load generator), of PostgreSQL's processes and of the whole machine.
 */
export async function observe<T>(server: RunningServer, label: string, quietWaitMs: number, run: () => Promise<T>): Promise<Observed<T>> {
  // No wait at all when asked for none (quick runs): waitForQuiet itself takes half a second to look.
  const busyBefore = quietWaitMs > 0 ? await waitForQuiet(quietWaitMs, progress) : Number.NaN;
  await server.mark(`before-${label}`);
  const cpu0 = process.cpuUsage();
  const host0 = hostCpu();
  const pg0 = postgresCpuMs();
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const generatorCpuShare = (cpu.user + cpu.system) / 1000 / wallMs;
  const postgresCpuShare = postgresDelta(pg0, postgresCpuMs()) / wallMs;
  const host1 = hostCpu();
  const cores = os.cpus().length;
  const hostCpuShare = (host1.busy - host0.busy) / Math.max(host1.total - host0.total, 1);
  const usage = await server.mark(label);
  // Whatever else kept the machine busy (other processes), in cores; the server's share is over its own (slightly longer) interval.
  const otherCores = Math.max(0, hostCpuShare * cores - usage.cpuShare - generatorCpuShare - postgresCpuShare);
  return {
    result,
    server: usage,
    generatorCpuShare,
    postgresCpuShare,
    hostCpuShare,
    otherCores,
    busyCoresBefore: busyBefore,
    ...(usage.profile ? { profile: summariseProfile(relative(process.cwd(), usage.profile)) } : {}),
  };
}
