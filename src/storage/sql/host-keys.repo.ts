import type { HostKeyRecord } from '../delivery-store.js';
import { num, type DeliveryDb, type HostKeysTable } from './delivery-tables.js';

function toHostKey(row: HostKeysTable): HostKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    label: row.label,
    secretHash: row.secret_hash,
    createdMs: Number(row.created_ms),
    lastUsedMs: num(row.last_used_ms),
    revokedMs: num(row.revoked_ms),
  };
}

/** Host keys touched less than this long ago are not written again (one write per key per minute at most). */
const TOUCH_INTERVAL_MS = 60_000;

/** Host API keys; only hashes of their secrets are ever written. */
export class SqlHostKeys {
  constructor(private readonly db: DeliveryDb) {}

  async create(key: HostKeyRecord): Promise<void> {
    await this.db
      .insertInto('host_keys')
      .values({
        id: key.id,
        tenant_id: key.tenantId,
        label: key.label,
        secret_hash: key.secretHash,
        created_ms: key.createdMs,
        last_used_ms: key.lastUsedMs,
        revoked_ms: key.revokedMs,
      })
      .execute();
  }

  async find(id: string): Promise<HostKeyRecord | undefined> {
    const row = await this.db.selectFrom('host_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toHostKey(row) : undefined;
  }

  async list(): Promise<HostKeyRecord[]> {
    const rows = await this.db.selectFrom('host_keys').selectAll().orderBy('created_ms').orderBy('id').execute();
    return rows.map(toHostKey);
  }

  async revoke(id: string, nowMs: number): Promise<boolean> {
    const result = await this.db.updateTable('host_keys').set({ revoked_ms: nowMs }).where('id', '=', id).where('revoked_ms', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async touch(id: string, nowMs: number): Promise<void> {
    await this.db
      .updateTable('host_keys')
      .set({ last_used_ms: nowMs })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_ms', 'is', null), eb('last_used_ms', '<', nowMs - TOUCH_INTERVAL_MS)]))
      .execute();
  }
}
