import type { Kysely } from 'kysely';
import type { RosterDatabase } from './tables.js';

/** Runs a SELECT somewhere other than the serving thread and answers its rows. */
export type ReadOffload = (text: string, parameters: readonly unknown[]) => Promise<unknown[]>;

const lent = new WeakMap<Kysely<RosterDatabase>, ReadOffload>();

/**
 * Lends the shared handle (never a transaction's: a read inside a transaction must see that
 * transaction's writes, which only its own connection can) a way to run long reads off the
 * serving thread (SQLite's read workers).
 */
export function lendReadOffload(handle: Kysely<RosterDatabase>, offload: ReadOffload): void {
  lent.set(handle, offload);
}

/** Where long reads on this handle run, if not on the handle itself. */
export function readOffloadOn(handle: Kysely<RosterDatabase>): ReadOffload | undefined {
  return lent.get(handle);
}
