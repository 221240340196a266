/**
 * Scale scenario 6: the server process's resident set size (VmRSS in /proc/<pid>/status), sampled
 * every `sampleMs` for the whole run and labelled by phase, plus settled readings taken after a
 * full garbage collection in the server (so they do not depend on when V8 last collected).
 */
import { readFileSync } from 'node:fs';
import type { RunningServer } from '../child.js';

const MB = 1024 * 1024;

/** VmRSS of a process in bytes, or NaN when it cannot be read (process gone, not Linux). */
export function residentBytes(pid: number): number {
  try {
    const line = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line?.[1] ? Number(line[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface SettledReading {
  readonly label: string;
  /** Median VmRSS over a few readings after a full GC. */
  readonly rssMb: number;
  /** V8 heap in use right after the GC. */
  readonly heapUsedMb: number;
}

export interface MemoryReport {
  readonly sampleMs: number;
  readonly samples: number;
  /** Highest VmRSS seen in each phase. */
  readonly peakMbByPhase: Readonly<Record<string, number>>;
  readonly settled: readonly SettledReading[];
}

export class RssSampler {
  private readonly timer: NodeJS.Timeout;
  private phase = 'start';
  private readonly peaks = new Map<string, number>();
  private readonly settledReadings: SettledReading[] = [];
  private count = 0;

  constructor(
    private readonly server: RunningServer,
    private readonly sampleMs: number,
  ) {
    this.timer = setInterval(() => this.sample(), sampleMs);
    this.timer.unref();
    this.sample();
  }

  /** Samples from now on count towards `phase`. */
  enter(phase: string): void {
    this.sample();
    this.phase = phase;
  }

  /** Collects garbage in the server, waits `settleMs`, and keeps the median of `samples` readings `sampleMs` apart. */
  async settle(label: string, timing: { settleMs: number; settleSamples: number; settleSampleMs: number }): Promise<SettledReading> {
    const heap = await this.server.gc();
    await new Promise((resolve) => setTimeout(resolve, timing.settleMs));
    const readings: number[] = [];
    for (let i = 0; i < timing.settleSamples; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, timing.settleSampleMs));
      readings.push(residentBytes(this.server.pid));
    }
    readings.sort((a, b) => a - b);
    const reading = { label, rssMb: (readings[Math.floor(readings.length / 2)] ?? Number.NaN) / MB, heapUsedMb: heap.heapUsedBytes / MB };
    this.settledReadings.push(reading);
    return reading;
  }

  /** Highest VmRSS over the phases named (all phases when none are). */
  peakMb(phases?: readonly string[]): number {
    let peak = Number.NaN;
    for (const [phase, mb] of this.peaks) {
      if (phases && !phases.includes(phase)) continue;
      peak = Number.isNaN(peak) ? mb : Math.max(peak, mb);
    }
    return peak;
  }

  stop(): MemoryReport {
    clearInterval(this.timer);
    return { sampleMs: this.sampleMs, samples: this.count, peakMbByPhase: Object.fromEntries(this.peaks), settled: [...this.settledReadings] };
  }

  private sample(): void {
    const bytes = residentBytes(this.server.pid);
    if (!Number.isFinite(bytes)) return;
    this.count++;
    this.peaks.set(this.phase, Math.max(this.peaks.get(this.phase) ?? 0, bytes / MB));
  }
}

/** The phases of scenarios 2–5 (lookups, big group, paging, mixed workload), whose peak the memory target is about. */
export const SERVING_PHASES = ['lookups', 'big-group', 'paging', 'mixed'] as const;

/** Highest VmRSS while serving scenarios 2–5. */
export function peakServingMb(memory: MemoryReport): number {
  const peaks = SERVING_PHASES.map((p) => memory.peakMbByPhase[p]).filter((v): v is number => v !== undefined);
  return peaks.length > 0 ? Math.max(...peaks) : Number.NaN;
}
