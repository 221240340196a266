import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { JsonObject } from '../../json/json-value.js';
import type { NewTenant, TenantRecord, TenantRepository, TenantTable } from '../store.js';
import { isUniqueViolation } from './sql-errors.js';
import type { SqlDialect } from './dialects/dialect.js';
import type { RosterDatabase, TenantsTable } from './tables.js';
import { parseDocument } from './users.repo.js';

export function toTenant(row: Omit<TenantsTable, 'mode'> & { mode: string }): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    provisioningEnabled: Number(row.provisioning_enabled) === 1,
    settings: parseDocument(row.settings),
    createdMs: Number(row.created_ms),
    lastRequestMs: row.last_request_ms === null ? null : Number(row.last_request_ms),
    lastChangeMs: row.last_change_ms === null ? null : Number(row.last_change_ms),
    mode: row.mode === 'preview' ? 'preview' : 'live',
  };
}

/** Tenants are global rows: the one table not scoped by tenant_id. */
export class SqlTenantRepository implements TenantRepository {
  constructor(
    protected readonly db: Kysely<RosterDatabase>,
    protected readonly dialect: SqlDialect,
  ) {}

  async create(tenant: NewTenant): Promise<boolean> {
    const inserted = await this.db
      .insertInto('tenants')
      .values({
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        provisioning_enabled: tenant.provisioningEnabled ? 1 : 0,
        settings: this.dialect.documentParam(JSON.stringify(tenant.settings)) as RawBuilder<string>,
        created_ms: tenant.createdMs,
        last_request_ms: tenant.lastRequestMs,
        last_change_ms: tenant.lastChangeMs,
        mode: tenant.mode ?? 'live',
      })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async findById(id: string): Promise<TenantRecord | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTenant(row) : undefined;
  }

  async findBySlug(slug: string): Promise<TenantRecord | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
    return row ? toTenant(row) : undefined;
  }

  async list(): Promise<TenantRecord[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('slug').execute();
    return rows.map(toTenant);
  }

  async setProvisioningEnabled(id: string, enabled: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('tenants')
      .set({ provisioning_enabled: enabled ? 1 : 0 })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async updateSettings(id: string, settings: JsonObject): Promise<boolean> {
    const result = await this.db
      .updateTable('tenants')
      .set({ settings: this.dialect.documentParam(JSON.stringify(settings)) as RawBuilder<string> })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async rename(id: string, change: { slug?: string; name?: string }): Promise<'renamed' | 'slugTaken' | 'notFound'> {
    const set: { slug?: string; name?: string } = {};
    if (change.slug !== undefined) set.slug = change.slug;
    if (change.name !== undefined) set.name = change.name;
    if (Object.keys(set).length === 0) return (await this.findById(id)) ? 'renamed' : 'notFound';
    try {
      const result = await this.db.updateTable('tenants').set(set).where('id', '=', id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0 ? 'renamed' : 'notFound';
    } catch (error) {
      if (isUniqueViolation(error)) return 'slugTaken';
      throw error;
    }
  }

  async purgeRows(id: string, table: TenantTable, limit: number): Promise<number> {
    // Rows are picked by the engine's own row address (SQLite rowid, PostgreSQL ctid) through the
    // table's tenant_id index, so each step reads and deletes only the rows it removes.
    const t = sql.table(table);
    const result =
      this.dialect.engine === 'postgres'
        ? await sql`delete from ${t} where ctid = any(array(select ctid from ${t} where tenant_id = ${id} limit ${limit}))`.execute(this.db)
        : await sql`delete from ${t} where rowid in (select rowid from ${t} where tenant_id = ${id} limit ${limit})`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tenants').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async enterPreview(id: string): Promise<boolean> {
    const holds = (table: 'users' | 'groups' | 'events') => sql`exists (select 1 from ${sql.table(table)} where tenant_id = ${id})`;
    const result = await this.db
      .updateTable('tenants')
      .set({ mode: 'preview' })
      .where('id', '=', id)
      .where('mode', '=', 'live')
      .where(sql<boolean>`not ${holds('users')} and not ${holds('groups')} and not ${holds('events')}`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordActivity(activity: readonly { tenantId: string; lastRequestMs?: number; lastChangeMs?: number }[]): Promise<void> {
    for (const a of activity) {
      await this.db
        .updateTable('tenants')
        .set({
          last_request_ms: a.lastRequestMs === undefined ? sql.ref('last_request_ms') : forward('last_request_ms', a.lastRequestMs),
          last_change_ms: a.lastChangeMs === undefined ? sql.ref('last_change_ms') : forward('last_change_ms', a.lastChangeMs),
        })
        .where('id', '=', a.tenantId)
        .execute();
    }
  }
}

/** `column` moved forward to `ms`, never back (several processes flush in any order). */
export function forward(column: string, ms: number): RawBuilder<number> {
  return sql<number>`case when ${sql.ref(column)} is null or ${sql.ref(column)} < ${ms} then ${ms} else ${sql.ref(column)} end`;
}
