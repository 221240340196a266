import { performance } from 'node:perf_hooks';

/** What a BENCH_MARK line reports for the interval since the previous mark. */
export interface IntervalUsage {
  readonly wallMs: number;
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Event-loop utilisation (0..1). */
  readonly elu: number;
}

/**
 * Wall time, CPU and event-loop use of this process over an interval: the numbers the bench's
 * server children (serve.ts, bare-server.ts) answer a `mark` with.
 */
export function intervalMeter(): { read(): IntervalUsage; restart(): void } {
  const now = () => ({ wall: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() });
  let since = now();
  return {
    read() {
      const cpu = process.cpuUsage(since.cpu);
      return {
        wallMs: performance.now() - since.wall,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        elu: performance.eventLoopUtilization(since.elu).utilization,
      };
    },
    restart() {
      since = now();
    },
  };
}
