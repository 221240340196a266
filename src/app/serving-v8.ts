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

/** HEAP_MODE=bounded's old-generation growth after each full collection, in percent. */
export const SERVING_HEAP_GROWING_PERCENT = 10;

/** The V8 flags `roster serve` sets, unless the node command line already sets them. */
export function servingV8Flags(mode: HeapMode, execArgv: readonly string[] = process.execArgv): string[] {
  // V8 takes its flags with dashes or underscores: --interrupt-budget or --interrupt_budget.
  const name = (arg: string) => `--${arg.replace(/^--/, '').split('=')[0]?.replaceAll('_', '-')}`;
  const onCommandLine = (flag: string) => execArgv.some((arg) => name(arg) === flag);
  const flags: string[] = [];
  if (!onCommandLine('--interrupt-budget')) flags.push(`--interrupt-budget=${SERVING_INTERRUPT_BUDGET}`);
  // HEAP_MODE=bounded: after each full collection V8 lets the old generation grow by 10% of what
  // survived before collecting again, where its own factor (up to 4x) let the garbage promoted
  // while a 100,000-member group was written climb from about 47 to 132 MB. That, with the young
  // generation capped at start (npm start, the image: --max-semi-space-size=4), took the peak
  // from 255 to 167-169 MB on SQLite. Neither flag alone did (201-209 and 234 MB). Server CPU per
  // request against V8's own growth, in alternating blocks (bench/ab-cold.ts): lookups 0.95-0.98,
  // creates 1.04-1.05.
  if (mode === 'bounded' && !onCommandLine('--heap-growing-percent')) flags.push(`--heap-growing-percent=${SERVING_HEAP_GROWING_PERCENT}`);
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
