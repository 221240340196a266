import type { Kysely } from 'kysely';
import type { Engine } from './engine.js';
import { executeCompiled } from './raw-query.js';
import type { RosterDatabase } from './tables.js';

/** Runs a SELECT somewhere other than the serving thread and answers its rows. */
export type ReadOffload = (text: string, parameters: readonly unknown[]) => Promise<unknown[]>;

const lent = new WeakMap<Kysely<RosterDatabase>, ReadOffload>();

/**
 * Lends the shared handle (never a transaction's: a read inside a transaction must see that
 * transaction's writes, which only its own connection can) a way to run long reads elsewhere:
 * off the serving thread (SQLite's read workers), or on connections of their own with a shorter
 * deadline (PostgreSQL's read pool), so that they neither hold the event loop nor take every
 * connection the writes need.
 */
export function lendReadOffload(handle: Kysely<RosterDatabase>, offload: ReadOffload): void {
  lent.set(handle, offload);
}

/** Where long reads on this handle run, if not on the handle itself. */
export function readOffloadOn(handle: Kysely<RosterDatabase>): ReadOffload | undefined {
  return lent.get(handle);
}

/**
 * A read whose cost depends on what the client asked (a filtered page or its count, a search, the
 * possible duplicates): where the handle lends a place for long reads, it runs there, under that
 * place's deadline; else here.
 */
export async function longRead<R>(db: Kysely<RosterDatabase>, engine: Engine, compiled: { sql: string; parameters: readonly unknown[] }): Promise<R[]> {
  const offload = readOffloadOn(db);
  if (offload) return (await offload(compiled.sql, compiled.parameters)) as R[];
  return executeCompiled<R>(db, engine, compiled.sql, compiled.parameters);
}
