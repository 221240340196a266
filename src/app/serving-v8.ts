import { setFlagsFromString } from 'node:v8';
import type { RosterConfig } from '../config/config.js';

type HeapMode = RosterConfig['heapMode'];

/**
 * How much bytecode a function runs before V8 considers optimising it, for `roster serve`. V8's
 * default (67,584) suits short scripts; a server that was just started (a deploy, a restart, a
 * second node) answered its first 4,000 lookups at 2.6-2.9x the CPU of an empty route, and its
 * first 500 at 3.5x its last 500, while V8 was still running the interpreter. At 8,192 the same
 * 4,000 lookups took 10% less CPU and creates the same, measured in alternating blocks against the
 * same build on V8's default (bench/ab-cold.ts; docs/performance.md, "Cold start"). 4,096 measured
 * no better than 8,192.
 */
export const SERVING_INTERRUPT_BUDGET = 8192;

/** The V8 flags `roster serve` sets, unless the node command line already sets them. */
export function servingV8Flags(mode: HeapMode, execArgv: readonly string[] = process.execArgv): string[] {
  // V8 takes its flags with dashes or underscores: --interrupt-budget or --interrupt_budget.
  const name = (arg: string) => `--${arg.replace(/^--/, '').split('=')[0]?.replaceAll('_', '-')}`;
  const onCommandLine = (flag: string) => execArgv.some((arg) => name(arg) === flag);
  const flags: string[] = [];
  if (!onCommandLine('--interrupt-budget')) flags.push(`--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`);
  // HEAP_MODE=small is V8's --optimize-for-size (not allowed in NODE_OPTIONS, hence a setting).
  // Serving a 100,000-member group promotes garbage to V8's old generation, which with V8's
  // default heap growth climbed from about 26 to 120 MB before a full collection: the process
  // peaked at 211-236 MB (PostgreSQL) and 262-267 MB (SQLite) against a budget of 200. With the
  // flag V8 starts marking sooner and grows the heap in smaller steps: 134 and 181 MB. It is not
  // the default because it costs CPU on every request: 27-30% more per lookup on PostgreSQL and
  // 35-40% on SQLite in alternating runs (docs/performance.md, "Memory").
  if (mode === 'small') flags.push('--optimize-for-size');
  return flags;
}

/**
 * Applies `servingV8Flags`, for `roster serve` only: a host that embeds Roster keeps its own V8
 * settings. Set once at start, before the server is built; V8 reads these flags as functions run
 * and as the heap grows, so they take effect though the process started without them.
 */
export function applyServingV8(mode: HeapMode): void {
  for (const flag of servingV8Flags(mode)) setFlagsFromString(flag);
}
