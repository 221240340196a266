import { CompiledQuery, type Kysely } from 'kysely';
import { directExecutionOn } from './direct-statements.js';
import type { Engine } from './engine.js';
import type { RosterDatabase } from './tables.js';

const dollarCache = new Map<string, string>();

/** `?` placeholders as PostgreSQL's `$1, $2…` (the texts below contain no `?` in literals). */
function forEngine(engine: Engine, text: string): string {
  if (engine === 'sqlite') return text;
  let converted = dollarCache.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/\?/g, () => `$${++n}`);
    dollarCache.set(text, converted);
  }
  return converted;
}

/**
 * Runs a fixed SQL text with parameters, skipping the query builder. For the few statements every
 * create or lookup runs: building and compiling them through Kysely cost more than executing them.
 * Texts are constants of the repositories (never built from input), values are always parameters.
 */
export async function rawQuery<R>(db: Kysely<RosterDatabase>, engine: Engine, text: string, parameters: readonly unknown[]): Promise<R[]> {
  return executeCompiled<R>(db, engine, forEngine(engine, text), parameters);
}

/** Runs SQL as the engine's compiler writes it (`?` on SQLite, `$n` on PostgreSQL): directly on SQLite when the connection allows. */
export async function executeCompiled<R>(db: Kysely<RosterDatabase>, engine: Engine, text: string, parameters: readonly unknown[]): Promise<R[]> {
  const direct = engine === 'sqlite' ? directExecutionOn(db)?.(text, parameters) : undefined;
  if (direct) return direct as R[];
  const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
  return [...result.rows];
}

/** Runs a statement an index answers at once, on PostgreSQL's point-read connection where lent. */
export type PointRead = (text: string, parameters: readonly unknown[]) => Promise<unknown[]>;

const pointReads = new WeakMap<Kysely<RosterDatabase>, PointRead>();

/** Lends PostgreSQL's shared handle its point-read connection (postgres-point-reads.ts). */
export function lendPointReads(handle: Kysely<RosterDatabase>, read: PointRead): void {
  pointReads.set(handle, read);
}

/**
 * A read bounded by an index to a few rows, outside any transaction: on PostgreSQL it goes with
 * the other point reads of the event-loop turn on one connection; elsewhere (SQLite, or inside a
 * transaction, whose handle has none lent) it runs as `executeCompiled` runs it.
 */
export async function executePointRead<R>(db: Kysely<RosterDatabase>, engine: Engine, text: string, parameters: readonly unknown[]): Promise<R[]> {
  const read = engine === 'postgres' ? pointReads.get(db) : undefined;
  if (read) return (await read(text, parameters)) as R[];
  return executeCompiled<R>(db, engine, text, parameters);
}
