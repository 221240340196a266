import type { EventRepository, ScopedRepositories, Store } from '../storage/store.js';
import type { EventNotifier } from './event-notifier.js';

/**
 * The store, except that a transaction which appended events tells the notifier once they are
 * committed and numbered (never before: a waiter woken early would find nothing, or worse, a
 * rolled-back seq). The transaction itself does not wait for the numbering.
 */
export function notifyingStore(store: Store, notifier: EventNotifier): Store {
  const transaction: Store['transaction'] = async (scope, work) => {
    let appended = false;
    const result = await store.transaction(scope, (repos) => work(withAppendTracking(repos, () => (appended = true))));
    if (appended) void store.eventsSettled(scope).then(() => notifier.notify(scope.tenantId));
    return result;
  };
  // Methods are bound once each: a store method is looked up on every request.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const known = bound.get(property);
      if (known !== undefined) return known;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, method);
      return method;
    },
  });
}

function withAppendTracking(repos: ScopedRepositories, onAppend: () => void): ScopedRepositories {
  const events = new Proxy(repos.events, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'append') {
        const append: EventRepository['append'] = async (drafts) => {
          await target.append(drafts);
          if (drafts.length > 0) onAppend();
        };
        return append;
      }
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  // A proxy rather than a copy: the repositories are built lazily, on first use.
  return new Proxy(repos, { get: (target, property) => (property === 'events' ? events : Reflect.get(target, property, target)) });
}
