import type { Kysely } from 'kysely';
import type { RosterDatabase } from './tables.js';

/** Runs a fixed statement text synchronously on SQLite's one connection; answers its rows. */
export type DirectExecutor = (text: string, parameters: readonly unknown[]) => unknown[];

const lent = new WeakMap<Kysely<RosterDatabase>, DirectExecutor>();

/**
 * Lets fixed statements skip the query builder's asynchronous executor on a connection handle
 * whose holder owns the connection for the whole unit of work (SQLite's group commit does):
 * nothing else can run on the connection meanwhile, so calling the driver directly is safe.
 * Kysely's executor costs several promise hops and a mutex round per statement, and a create runs
 * six such statements.
 */
export function lendDirectExecution(handle: Kysely<RosterDatabase>, executor: DirectExecutor): void {
  lent.set(handle, executor);
}

/** The direct executor lent to this handle, if any. */
export function directExecutionOn(handle: Kysely<RosterDatabase>): DirectExecutor | undefined {
  return lent.get(handle);
}
