/**
 * The raw-driver limits of one engine (raw-driver.ts) measured on the run's own raw database, with
 * how busy other processes kept the machine meanwhile. The core scenarios measure them after their
 * server stopped; a scale-only run measures them before its server starts.
 */
import os from 'node:os';
import type { BenchDatabase } from './databases.js';
import { hostCpu, postgresCpuMs, postgresDelta } from './machine.js';
import { postgresLimits, sqliteLimits, type RawLimits, type RawSettings } from './raw-driver.js';
import type { Engine } from './report.js';

export type MeasuredLimits = RawLimits & { readonly otherCores: number };

export async function measureRawLimits(engine: Engine, db: BenchDatabase, poolSize: number, settings: RawSettings): Promise<MeasuredLimits> {
  const start = { host: hostCpu(), self: process.cpuUsage(), pg: postgresCpuMs(), t: performance.now() };
  const measured = engine === 'sqlite' ? await sqliteLimits(db.rawUrl, settings) : await postgresLimits(db.rawUrl, poolSize, settings);
  const wall = performance.now() - start.t;
  const host = hostCpu();
  const self = process.cpuUsage(start.self);
  return {
    ...measured,
    // Other processes' CPU while the limits were measured, in cores (as for the scenarios).
    otherCores: Math.max(
      0,
      ((host.busy - start.host.busy) / Math.max(host.total - start.host.total, 1)) * os.cpus().length -
        (self.user + self.system) / 1000 / wall -
        postgresDelta(start.pg, postgresCpuMs()) / wall,
    ),
  };
}

/** The raw single-row insert rate at `clients` concurrency (SQLite: its one synchronous loop). */
export function rawInsertRate(engine: Engine, limits: RawLimits, clients: number): number {
  return (engine === 'sqlite' ? limits.inserts['sync'] : limits.inserts[String(clients)])?.perSecond ?? Number.NaN;
}

/** The raw point-lookup rate at `clients` concurrency (SQLite: its one synchronous loop). */
export function rawLookupRate(engine: Engine, limits: RawLimits, clients: number): number {
  return (engine === 'sqlite' ? limits.lookups['sync'] : limits.lookups[String(clients)])?.perSecond ?? Number.NaN;
}
