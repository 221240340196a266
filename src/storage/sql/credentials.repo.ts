import type { Kysely } from 'kysely';
import type { CredentialKind, CredentialRecord, CredentialRepository, TenantRecord } from '../store.js';
import type { CredentialsTable, RosterDatabase, TenantsTable } from './tables.js';
import type { Engine } from './engine.js';
import { rawQuery } from './raw-query.js';
import { forward, toTenant } from './tenants.repo.js';

function toCredential(row: CredentialsTable): CredentialRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind as CredentialKind,
    label: row.label,
    secretHash: row.secret_hash,
    createdMs: Number(row.created_ms),
    lastUsedMs: row.last_used_ms === null ? null : Number(row.last_used_ms),
    revokedMs: row.revoked_ms === null ? null : Number(row.revoked_ms),
  };
}

/** SCIM credentials; only hashes of secrets are ever written. */
export class SqlCredentialRepository implements CredentialRepository {
  constructor(
    protected readonly db: Kysely<RosterDatabase>,
    protected readonly engine: Engine = 'sqlite',
  ) {}

  async create(credential: CredentialRecord): Promise<void> {
    await this.db
      .insertInto('credentials')
      .values({
        id: credential.id,
        tenant_id: credential.tenantId,
        kind: credential.kind,
        label: credential.label,
        secret_hash: credential.secretHash,
        created_ms: credential.createdMs,
        last_used_ms: credential.lastUsedMs,
        revoked_ms: credential.revokedMs,
      })
      .execute();
  }

  async findById(id: string): Promise<CredentialRecord | undefined> {
    const row = await this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCredential(row) : undefined;
  }

  async findWithTenant(id: string): Promise<{ credential: CredentialRecord; tenant: TenantRecord } | undefined> {
    const [row] = await rawQuery<CredentialsTable & Omit<TenantsTable, 'id' | 'created_ms' | 'mode'> & { tenant_created_ms: number; mode: string }>(
      this.db,
      this.engine,
      `select c.id, c.tenant_id, c.kind, c.label, c.secret_hash, c.created_ms, c.last_used_ms, c.revoked_ms,
         t.slug, t.name, t.provisioning_enabled, t.settings, t.created_ms as tenant_created_ms, t.last_request_ms, t.last_change_ms, t.mode
       from credentials c join tenants t on t.id = c.tenant_id where c.id = ?`,
      [id],
    );
    if (!row) return undefined;
    return {
      credential: toCredential(row),
      tenant: toTenant({
        id: row.tenant_id,
        slug: row.slug,
        name: row.name,
        provisioning_enabled: row.provisioning_enabled,
        settings: row.settings,
        created_ms: row.tenant_created_ms,
        last_request_ms: row.last_request_ms,
        last_change_ms: row.last_change_ms,
        mode: row.mode,
      }),
    };
  }

  async listForTenant(tenantId: string): Promise<CredentialRecord[]> {
    const rows = await this.db.selectFrom('credentials').selectAll().where('tenant_id', '=', tenantId).orderBy('created_ms').orderBy('id').execute();
    return rows.map(toCredential);
  }

  async revoke(tenantId: string, id: string, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('credentials')
      .set({ revoked_ms: nowMs })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_ms', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordUse(uses: readonly { id: string; lastUsedMs: number }[]): Promise<void> {
    for (const use of uses) {
      await this.db
        .updateTable('credentials')
        .set({ last_used_ms: forward('last_used_ms', use.lastUsedMs) })
        .where('id', '=', use.id)
        .execute();
    }
  }
}
