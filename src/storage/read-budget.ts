import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A request's budget for the reads whose cost its client chose (READ_DEADLINE_MS). A per-statement
 * deadline alone does not bound a request: a page that runs several such reads (a page and its
 * count, the possible duplicates' walk, count and people), each waiting its turn for a read worker
 * behind other tenants' reads, could take several deadlines in all. The http layer opens a budget
 * around each request's handler; every long read inside it gets at most what is left, and none
 * starts once it is spent. Reads outside any request (the CLI, background work) have no budget.
 */
const budgets = new AsyncLocalStorage<{ readonly deadline: number }>();

/** Runs `work` (and everything it starts) with `ms` of read budget from now; 0: no budget. */
export function withReadBudget<T>(ms: number, work: () => T): T {
  return ms > 0 ? budgets.run({ deadline: performance.now() + ms }, work) : work();
}

/** Milliseconds left of the current request's read budget; undefined outside any budget. */
export function readBudgetLeftMs(): number | undefined {
  const budget = budgets.getStore();
  return budget === undefined ? undefined : budget.deadline - performance.now();
}
