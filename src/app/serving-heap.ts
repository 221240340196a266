import { setFlagsFromString } from 'node:v8';
import type { RosterConfig } from '../config/config.js';

type HeapMode = RosterConfig['heapMode'];

/**
 * How the serving process sizes V8's heap (HEAP_MODE), applied by `roster serve` only: a host that
 * embeds Roster keeps its own V8 settings.
 *
 * `small` is V8's --optimize-for-size (not allowed in NODE_OPTIONS, hence a setting). Serving a
 * 100,000-member group promotes garbage to V8's old generation, which with V8's default heap
 * growth climbed from about 26 to 120 MB before a full collection: the process peaked at 211-236 MB
 * (PostgreSQL) and 262-267 MB (SQLite) against a budget of 200. With the flag V8 starts marking
 * sooner and grows the heap in smaller steps: 134 and 181 MB. It is not the default because it
 * costs CPU on every request: 27-30% more per lookup on PostgreSQL and 35-40% on SQLite in
 * alternating runs (docs/performance.md, "Memory").
 *
 * Set once at start, before the server is built; V8 reads the flag as its heap grows, so it takes
 * effect though the process started without it.
 */
export function applyHeapMode(mode: HeapMode): void {
  if (mode === 'small') setFlagsFromString('--optimize-for-size');
}
