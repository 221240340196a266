import type { Kysely } from 'kysely';
import type { RosterDatabase } from './tables.js';

/** Runs a statement text synchronously on SQLite's one connection and answers its rows. */
export type DirectExecutor = (text: string, parameters: readonly unknown[]) => unknown[];

/** The same, or undefined when the statement may not run directly now (then the query builder runs it). */
export type DirectAttempt = (text: string, parameters: readonly unknown[]) => unknown[] | undefined;

const lent = new WeakMap<Kysely<RosterDatabase>, DirectAttempt>();

/**
 * Lets fixed statements skip the query builder's asynchronous executor on a connection handle
 * whose holder owns the connection for the whole unit of work (SQLite's group commit does):
 * nothing else can run on the connection meanwhile, so calling the driver directly is safe.
 * Kysely's executor costs several promise hops and a mutex round per statement, and a create runs
 * six such statements.
 */
export function lendDirectExecution(handle: Kysely<RosterDatabase>, executor: DirectAttempt): void {
  lent.set(handle, executor);
}

/** The direct executor lent to this handle, if any. */
export function directExecutionOn(handle: Kysely<RosterDatabase>): DirectAttempt | undefined {
  return lent.get(handle);
}

/**
 * For the shared handle outside any batch: a SELECT may run directly when no transaction is open
 * on the connection. A transaction held by someone else (a group-commit batch between two of its
 * statements, a snapshot) would otherwise show its uncommitted writes; with none open, the read
 * sees committed data exactly as it would after waiting its turn, and nothing can begin one while
 * it runs (it is synchronous). Writes always wait their turn.
 */
export function directReadsWhenIdle(inTransaction: () => boolean, execute: DirectExecutor): DirectAttempt {
  return (text, parameters) => (!inTransaction() && /^\s*select\b/i.test(text) ? execute(text, parameters) : undefined);
}

/**
 * Runs one statement once per row, all in one transaction, synchronously; false (nothing run) when
 * a transaction is open on the connection, and the caller then waits its turn through the query
 * builder.
 */
export type DirectBatch = (text: string, rows: readonly (readonly unknown[])[]) => boolean;

const lentBatches = new WeakMap<Kysely<RosterDatabase>, DirectBatch>();

/**
 * Lends SQLite's shared handle a way to write a batch of rows at once when the connection is idle.
 * Being synchronous, the batch's transaction begins and commits with nothing else between, so it
 * cannot mix with a group-commit batch or a snapshot (which hold a transaction across awaits).
 */
export function lendDirectBatch(handle: Kysely<RosterDatabase>, batch: DirectBatch): void {
  lentBatches.set(handle, batch);
}

/** The direct batch lent to this handle, if any. */
export function directBatchOn(handle: Kysely<RosterDatabase>): DirectBatch | undefined {
  return lentBatches.get(handle);
}

/** For SQLite's shared handle: a batch runs when no transaction is open, else it is declined. */
export function directBatchWhenIdle(
  inTransaction: () => boolean,
  prepare: (text: string) => { run(...parameters: unknown[]): unknown },
  transaction: (work: () => void) => void,
): DirectBatch {
  return (text, rows) => {
    if (inTransaction()) return false;
    const statement = prepare(text);
    transaction(() => {
      for (const row of rows) statement.run(...row);
    });
    return true;
  };
}
