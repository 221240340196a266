import { sql, type Kysely } from 'kysely';
import type {
  AdminRecord,
  AdminRepository,
  AdminRole,
  AdminSessionRecord,
  AdminSessionRepository,
  AdminStore,
  ConsoleReads,
  OperatorAuditEntry,
  OperatorAuditRepository,
  PasswordResetRecord,
  PasswordResetRepository,
  SignInFailures,
  SignInThrottleRepository,
} from '../admin-store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { cappedMemberCounts } from './member-counts.js';
import type { MemberCount } from '../store.js';
import type { RosterDatabase } from './tables.js';

/** Row shapes of the console's tables (migration 005); times are epoch milliseconds. */
export type AdminsTable = {
  id: string;
  email: string;
  email_fold: string;
  password_hash: string;
  role: string;
  tenant_id: string | null;
  created_ms: number;
  last_sign_in_ms: number | null;
  /** Migration 012. */
  disabled_ms: number | null;
};

/** Migration 012: one-time password-reset links (hashed tokens). */
export type AdminPasswordResetsTable = {
  token_hash: string;
  admin_id: string;
  created_ms: number;
  expires_ms: number;
  used_ms: number | null;
};

/** Migration 012: operator actions that outlive their subject. */
export type OperatorAuditTable = {
  id: string;
  at_ms: number;
  actor: string;
  action: string;
  subject: string;
  detail: string;
};

export type AdminSessionsTable = {
  id_hash: string;
  admin_id: string;
  created_ms: number;
  last_seen_ms: number;
  expires_ms: number;
};

export type AdminSignInFailuresTable = {
  throttle_key: string;
  failures: number;
  last_failure_ms: number;
};

type AdminTables = {
  admins: AdminsTable;
  admin_sessions: AdminSessionsTable;
  admin_sign_in_failures: AdminSignInFailuresTable;
  admin_password_resets: AdminPasswordResetsTable;
  operator_audit: OperatorAuditTable;
};

type AdminDb = Kysely<RosterDatabase & AdminTables>;

function toAdmin(row: AdminsTable): AdminRecord {
  return {
    id: row.id,
    email: row.email,
    emailFold: row.email_fold,
    passwordHash: row.password_hash,
    role: row.role as AdminRole,
    tenantId: row.tenant_id,
    createdMs: Number(row.created_ms),
    lastSignInMs: row.last_sign_in_ms === null ? null : Number(row.last_sign_in_ms),
    disabledMs: row.disabled_ms === null ? null : Number(row.disabled_ms),
  };
}

class SqlAdminRepository implements AdminRepository {
  constructor(private readonly db: AdminDb) {}

  async create(admin: AdminRecord): Promise<boolean> {
    const inserted = await this.db
      .insertInto('admins')
      .values({
        id: admin.id,
        email: admin.email,
        email_fold: admin.emailFold,
        password_hash: admin.passwordHash,
        role: admin.role,
        tenant_id: admin.tenantId,
        created_ms: admin.createdMs,
        last_sign_in_ms: admin.lastSignInMs,
        disabled_ms: admin.disabledMs,
      })
      .onConflict((oc) => oc.column('email_fold').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async findById(id: string): Promise<AdminRecord | undefined> {
    const row = await this.db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAdmin(row) : undefined;
  }

  async findByEmailFold(emailFold: string): Promise<AdminRecord | undefined> {
    const row = await this.db.selectFrom('admins').selectAll().where('email_fold', '=', emailFold).executeTakeFirst();
    return row ? toAdmin(row) : undefined;
  }

  async list(): Promise<AdminRecord[]> {
    const rows = await this.db.selectFrom('admins').selectAll().orderBy('email_fold').execute();
    return rows.map(toAdmin);
  }

  async recordSignIn(id: string, atMs: number): Promise<void> {
    await this.db.updateTable('admins').set({ last_sign_in_ms: atMs }).where('id', '=', id).execute();
  }

  async setDisabled(id: string, disabledMs: number | null): Promise<boolean> {
    const result = await this.db.updateTable('admins').set({ disabled_ms: disabledMs }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.db.updateTable('admins').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<boolean> {
    // Sessions and reset links go with the admin (foreign keys with on delete cascade).
    const result = await this.db.deleteFrom('admins').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

class SqlAdminSessionRepository implements AdminSessionRepository {
  constructor(private readonly db: AdminDb) {}

  async create(session: AdminSessionRecord): Promise<void> {
    await this.db
      .insertInto('admin_sessions')
      .values({
        id_hash: session.idHash,
        admin_id: session.adminId,
        created_ms: session.createdMs,
        last_seen_ms: session.lastSeenMs,
        expires_ms: session.expiresMs,
      })
      .execute();
  }

  async findWithAdmin(idHash: string): Promise<{ session: AdminSessionRecord; admin: AdminRecord } | undefined> {
    const row = await this.db
      .selectFrom('admin_sessions as s')
      .innerJoin('admins as a', 'a.id', 's.admin_id')
      .select([
        's.id_hash',
        's.admin_id',
        's.created_ms as session_created_ms',
        's.last_seen_ms',
        's.expires_ms',
        'a.id',
        'a.email',
        'a.email_fold',
        'a.password_hash',
        'a.role',
        'a.tenant_id',
        'a.created_ms',
        'a.last_sign_in_ms',
        'a.disabled_ms',
      ])
      .where('s.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      session: {
        idHash: row.id_hash,
        adminId: row.admin_id,
        createdMs: Number(row.session_created_ms),
        lastSeenMs: Number(row.last_seen_ms),
        expiresMs: Number(row.expires_ms),
      },
      admin: toAdmin(row),
    };
  }

  async touch(idHash: string, lastSeenMs: number): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ last_seen_ms: lastSeenMs }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteForAdmin(adminId: string, keepIdHash?: string): Promise<number> {
    let query = this.db.deleteFrom('admin_sessions').where('admin_id', '=', adminId);
    if (keepIdHash !== undefined) query = query.where('id_hash', '<>', keepIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(nowMs: number): Promise<number> {
    const result = await this.db.deleteFrom('admin_sessions').where('expires_ms', '<=', nowMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

class SqlSignInThrottleRepository implements SignInThrottleRepository {
  constructor(private readonly db: AdminDb) {}

  async find(key: string): Promise<SignInFailures | undefined> {
    const row = await this.db.selectFrom('admin_sign_in_failures').selectAll().where('throttle_key', '=', key).executeTakeFirst();
    return row ? { failures: Number(row.failures), lastFailureMs: Number(row.last_failure_ms) } : undefined;
  }

  async recordFailure(key: string, nowMs: number, forgetBeforeMs: number): Promise<SignInFailures> {
    // One upsert, so two processes counting the same key never lose a failure. A run of failures
    // older than `forgetBeforeMs` starts again from one.
    const existing = sql.ref('admin_sign_in_failures.failures');
    const last = sql.ref('admin_sign_in_failures.last_failure_ms');
    const row = await this.db
      .insertInto('admin_sign_in_failures')
      .values({ throttle_key: key, failures: 1, last_failure_ms: nowMs })
      .onConflict((oc) =>
        oc.column('throttle_key').doUpdateSet({
          failures: sql<number>`case when ${last} < ${forgetBeforeMs} then 1 else ${existing} + 1 end`,
          last_failure_ms: nowMs,
        }),
      )
      .returning(['failures', 'last_failure_ms'])
      .executeTakeFirstOrThrow();
    return { failures: Number(row.failures), lastFailureMs: Number(row.last_failure_ms) };
  }

  async release(key: string): Promise<void> {
    await this.db.updateTable('admin_sign_in_failures').set({ failures: sql<number>`failures - 1` }).where('throttle_key', '=', key).where('failures', '>', 0).execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('admin_sign_in_failures').where('throttle_key', '=', key).execute();
  }
}

class SqlPasswordResetRepository implements PasswordResetRepository {
  constructor(private readonly db: AdminDb) {}

  async create(reset: PasswordResetRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('admin_password_resets').where('admin_id', '=', reset.adminId).execute();
      await trx
        .insertInto('admin_password_resets')
        .values({ token_hash: reset.tokenHash, admin_id: reset.adminId, created_ms: reset.createdMs, expires_ms: reset.expiresMs, used_ms: reset.usedMs })
        .execute();
    });
  }

  async find(tokenHash: string): Promise<PasswordResetRecord | undefined> {
    const row = await this.db.selectFrom('admin_password_resets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!row) return undefined;
    return {
      tokenHash: row.token_hash,
      adminId: row.admin_id,
      createdMs: Number(row.created_ms),
      expiresMs: Number(row.expires_ms),
      usedMs: row.used_ms === null ? null : Number(row.used_ms),
    };
  }

  async consume(tokenHash: string, nowMs: number): Promise<string | undefined> {
    // One conditional update: of two concurrent uses, only one finds used_ms still null.
    const row = await this.db
      .updateTable('admin_password_resets')
      .set({ used_ms: nowMs })
      .where('token_hash', '=', tokenHash)
      .where('used_ms', 'is', null)
      .where('expires_ms', '>', nowMs)
      .returning('admin_id')
      .executeTakeFirst();
    return row?.admin_id;
  }
}

class SqlOperatorAuditRepository implements OperatorAuditRepository {
  constructor(private readonly db: AdminDb) {}

  async record(entry: OperatorAuditEntry): Promise<void> {
    await this.db
      .insertInto('operator_audit')
      .values({ id: entry.id, at_ms: entry.atMs, actor: entry.actor, action: entry.action, subject: entry.subject, detail: entry.detail })
      .execute();
  }

  async latest(limit: number): Promise<OperatorAuditEntry[]> {
    const rows = await this.db.selectFrom('operator_audit').selectAll().orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, atMs: Number(r.at_ms), actor: r.actor, action: r.action, subject: r.subject, detail: r.detail }));
  }
}

class SqlConsoleReads implements ConsoleReads {
  constructor(
    private readonly db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
  ) {}

  groupMemberCounts(tenantId: string, groupIds: readonly string[]): Promise<Map<string, MemberCount>> {
    return cappedMemberCounts(this.db, this.dialect, 'group', tenantId, groupIds);
  }
}

/** The console's storage over the same database as everything else. */
export function sqlAdminStore(db: Kysely<RosterDatabase>, dialect: SqlDialect): Omit<AdminStore, 'setupLinks'> {
  const adminDb = db.withTables<AdminTables>();
  return {
    admins: new SqlAdminRepository(adminDb),
    sessions: new SqlAdminSessionRepository(adminDb),
    throttle: new SqlSignInThrottleRepository(adminDb),
    consoleReads: new SqlConsoleReads(db, dialect),
    passwordResets: new SqlPasswordResetRepository(adminDb),
    audit: new SqlOperatorAuditRepository(adminDb),
  };
}
