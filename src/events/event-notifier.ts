/**
 * Tells this process's feed long-polls and webhook dispatcher that a tenant's events were
 * committed, so they react at once. Other processes' commits are found by polling.
 */
export class EventNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly listeners = new Set<(tenantId: string) => void>();
  private closed = false;

  /** Called after a transaction that appended events has committed. */
  notify(tenantId: string): void {
    const waiting = this.waiters.get(tenantId);
    if (waiting) {
      this.waiters.delete(tenantId);
      for (const wake of waiting) wake();
    }
    for (const listener of this.listeners) listener(tenantId);
  }

  /** Resolves on the tenant's next commit, after `ms`, or at close — whichever comes first. */
  wait(tenantId: string, ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(tenantId) ?? new Set<() => void>();
      this.waiters.set(tenantId, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(tenantId) === set) this.waiters.delete(tenantId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }

  /** Calls `listener` after every notified commit; answers how to stop. */
  subscribe(listener: (tenantId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Releases every waiting long-poll (shutdown must not wait 30 s for them). */
  close(): void {
    this.closed = true;
    const all = [...this.waiters.values()];
    this.waiters.clear();
    for (const set of all) for (const wake of [...set]) wake();
  }
}
