import { sql, type Kysely } from 'kysely';
import type { SetupBranding, SetupLinkRecord, SetupLinkRepository, SetupSessionRecord } from '../admin-store.js';
import type { RosterDatabase } from './tables.js';

/** Row shapes of migration 016; times are epoch milliseconds. */
type SetupLinksTable = {
  id: string;
  tenant_id: string;
  secret_hash: string;
  created_ms: number;
  expires_ms: number;
  single_use: number;
  idp: string | null;
  branding: string;
  created_by: string;
  uses: number;
  last_used_ms: number | null;
  revoked_ms: number | null;
};

type SetupSessionsTable = {
  id_hash: string;
  link_id: string;
  tenant_id: string;
  created_ms: number;
  last_seen_ms: number;
  expires_ms: number;
};

type SetupDb = Kysely<RosterDatabase & { setup_links: SetupLinksTable; setup_sessions: SetupSessionsTable }>;

function brandingOf(text: string): SetupBranding {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
  const out: Record<string, string> = {};
  for (const key of ['productName', 'logoUrl', 'accent', 'returnUrl'] as const) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

function toLink(row: SetupLinksTable): SetupLinkRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    secretHash: row.secret_hash,
    createdMs: Number(row.created_ms),
    expiresMs: Number(row.expires_ms),
    singleUse: Number(row.single_use) === 1,
    idp: row.idp,
    branding: brandingOf(row.branding),
    createdBy: row.created_by,
    uses: Number(row.uses),
    lastUsedMs: row.last_used_ms === null ? null : Number(row.last_used_ms),
    revokedMs: row.revoked_ms === null ? null : Number(row.revoked_ms),
  };
}

/** Setup links and setup sessions on either engine (plain SQL both understand). */
export class SqlSetupLinkRepository implements SetupLinkRepository {
  private readonly db: SetupDb;
  constructor(db: Kysely<RosterDatabase>) {
    this.db = db.withTables<{ setup_links: SetupLinksTable; setup_sessions: SetupSessionsTable }>();
  }

  async create(link: SetupLinkRecord): Promise<void> {
    await this.db
      .insertInto('setup_links')
      .values({
        id: link.id,
        tenant_id: link.tenantId,
        secret_hash: link.secretHash,
        created_ms: link.createdMs,
        expires_ms: link.expiresMs,
        single_use: link.singleUse ? 1 : 0,
        idp: link.idp,
        branding: JSON.stringify(link.branding),
        created_by: link.createdBy,
        uses: link.uses,
        last_used_ms: link.lastUsedMs,
        revoked_ms: link.revokedMs,
      })
      .execute();
  }

  async findById(id: string): Promise<SetupLinkRecord | undefined> {
    const row = await this.db.selectFrom('setup_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLink(row) : undefined;
  }

  async listForTenant(tenantId: string): Promise<SetupLinkRecord[]> {
    const rows = await this.db.selectFrom('setup_links').selectAll().where('tenant_id', '=', tenantId).orderBy('created_ms', 'desc').orderBy('id').execute();
    return rows.map(toLink);
  }

  async revoke(tenantId: string, id: string, nowMs: number): Promise<boolean> {
    const found = await this.db.selectFrom('setup_links').select('revoked_ms').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!found) return false;
    // Both statements are idempotent, so a crash between them is repaired by revoking again.
    if (found.revoked_ms === null) await this.db.updateTable('setup_links').set({ revoked_ms: nowMs }).where('id', '=', id).where('revoked_ms', 'is', null).execute();
    await this.db.deleteFrom('setup_sessions').where('link_id', '=', id).execute();
    return true;
  }

  async recordUse(id: string, nowMs: number): Promise<boolean> {
    // One conditional update: two browsers opening a single-use link at once cannot both win.
    const result = await this.db
      .updateTable('setup_links')
      .set({ uses: sql<number>`uses + 1`, last_used_ms: nowMs })
      .where('id', '=', id)
      .where('revoked_ms', 'is', null)
      .where('expires_ms', '>', nowMs)
      .where((eb) => eb.or([eb('single_use', '=', 0), eb('uses', '=', 0)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async createSession(session: SetupSessionRecord): Promise<void> {
    await this.db
      .insertInto('setup_sessions')
      .values({
        id_hash: session.idHash,
        link_id: session.linkId,
        tenant_id: session.tenantId,
        created_ms: session.createdMs,
        last_seen_ms: session.lastSeenMs,
        expires_ms: session.expiresMs,
      })
      .execute();
  }

  async findSession(idHash: string): Promise<{ session: SetupSessionRecord; link: SetupLinkRecord } | undefined> {
    const row = await this.db
      .selectFrom('setup_sessions as s')
      .innerJoin('setup_links as l', 'l.id', 's.link_id')
      .select([
        's.id_hash',
        's.link_id',
        's.created_ms as session_created_ms',
        's.last_seen_ms',
        's.expires_ms as session_expires_ms',
        'l.id',
        'l.tenant_id',
        'l.secret_hash',
        'l.created_ms',
        'l.expires_ms',
        'l.single_use',
        'l.idp',
        'l.branding',
        'l.created_by',
        'l.uses',
        'l.last_used_ms',
        'l.revoked_ms',
      ])
      .where('s.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      session: {
        idHash: row.id_hash,
        linkId: row.link_id,
        tenantId: row.tenant_id,
        createdMs: Number(row.session_created_ms),
        lastSeenMs: Number(row.last_seen_ms),
        expiresMs: Number(row.session_expires_ms),
      },
      link: toLink(row),
    };
  }

  async touchSession(idHash: string, lastSeenMs: number): Promise<void> {
    await this.db.updateTable('setup_sessions').set({ last_seen_ms: lastSeenMs }).where('id_hash', '=', idHash).execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('setup_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteExpiredSessions(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom('setup_sessions').where('expires_ms', '<=', nowMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
