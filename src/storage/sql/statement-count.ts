import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counts the SQL statements a piece of work runs, on either engine, for tests and the bench that hold a
 * request's cost to a fixed number of statements (docs/architecture.md#the-shape-that-carries-everything: a
 * step costs the same for 10 members or 10,000). Both drivers report every statement they send (sqlite.ts,
 * postgres.ts); only work started inside `countStatements` is counted, so background work (the provisioning
 * log's flushes, PostgreSQL's heartbeat, the event sweep) never lands in a request's count. Until the first
 * count is asked for, reporting a statement costs one boolean test.
 */
const tallies = new AsyncLocalStorage<Tally>();
let enabled = false;

interface Tally {
  readonly texts: string[];
}

/** Called by the drivers for each statement they run. */
export function noteStatement(text: string): void {
  if (!enabled) return;
  tallies.getStore()?.texts.push(text);
}

/** Runs `work` and answers its value with the statements it ran (their texts, in order). */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ value: T; statements: number; texts: string[] }> {
  enabled = true;
  const tally: Tally = { texts: [] };
  const value = await tallies.run(tally, work);
  return { value, statements: tally.texts.length, texts: [...tally.texts] };
}

/**
 * Runs `work` outside any count: for work a request starts but does not wait for, whose
 * statements would otherwise land in whichever count happened to start it (PostgreSQL numbering
 * events after a commit serves every request that asked meanwhile).
 */
export function uncounted<T>(work: () => T): T {
  return enabled ? tallies.exit(work) : work();
}
