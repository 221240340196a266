import type { DeliveryBacklog, EndpointDelivery, PoolStats, ReadWorkerStats } from '../../storage/operations-store.js';
import type { Store } from '../../storage/store.js';

/**
 * The database-wide numbers an operator watches, read at one moment. Every part is read on its
 * own: a missing table or a failing query leaves that part out (and says why) instead of failing
 * the whole read, so a metrics scrape still answers while the database is down.
 */
export interface OperationalSnapshot {
  readonly databaseUp: boolean;
  readonly pendingReferences?: number;
  /** Undefined before the delivery tables exist. */
  readonly delivery?: DeliveryBacklog;
  /** The same by endpoint; undefined before the delivery tables exist. */
  readonly endpoints?: readonly EndpointDelivery[];
  /** Held mass changes waiting for an admin; 0 where the held-changes table does not exist yet. */
  readonly heldChanges?: number;
  readonly tenants?: { readonly enabled: number; readonly disabled: number };
  /** PostgreSQL only. */
  readonly pool?: PoolStats;
  /** SQLite with read workers only. */
  readonly readWorkers?: ReadWorkerStats;
  /** Parts that could not be read, with the reason (for logs, never for the metrics text). */
  readonly errors: readonly string[];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function operationalSnapshot(store: Store): Promise<OperationalSnapshot> {
  const errors: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      errors.push(`${what}: ${reason(error)}`);
      return undefined;
    }
  };
  const databaseUp =
    (await attempt('ping', async () => {
      await store.ping();
      return true;
    })) === true;
  const pool = store.operations.poolStats();
  const readWorkers = store.operations.readWorkerStats();
  const inProcess = { ...(pool ? { pool } : {}), ...(readWorkers ? { readWorkers } : {}) };
  if (!databaseUp) return { databaseUp, errors, ...inProcess };
  const [pendingReferences, delivery, endpoints, held, tenants] = await Promise.all([
    attempt('pending references', () => store.operations.pendingReferences()),
    attempt('delivery backlog', () => store.operations.deliveryBacklog()),
    attempt('endpoint delivery', () => store.operations.endpointDelivery()),
    attempt('held changes', () => store.operations.heldChanges()),
    attempt('tenants', () => store.operations.tenantCounts()),
  ]);
  return {
    databaseUp,
    errors,
    ...(pendingReferences !== undefined ? { pendingReferences } : {}),
    ...(delivery !== undefined ? { delivery } : {}),
    ...(endpoints !== undefined ? { endpoints } : {}),
    // Before the mass-change guard's table exists there is nothing held: report 0.
    ...(errors.some((e) => e.startsWith('held changes')) ? {} : { heldChanges: held ?? 0 }),
    ...(tenants !== undefined ? { tenants } : {}),
    ...inProcess,
  };
}
