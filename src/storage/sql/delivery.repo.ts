import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type {
  DeadLetterRecord,
  DeliveryStore,
  FailureUpdate,
  HostKeyRecord,
  RetiringSecret,
  StreamClaim,
  StreamKey,
  StreamLease,
  StreamState,
  StreamStatus,
  TroubledStream,
  WebhookEndpointRecord,
  WebhookStreamRecord,
} from '../delivery-store.js';
import type { SqlDialect } from './dialects/dialect.js';
import { num, type DeliveryDb, type DeliveryTables, type WebhookDeadLettersTable, type WebhookEndpointsTable, type WebhookStreamsTable } from './delivery-tables.js';
import { SqlHostKeys } from './host-keys.repo.js';
import type { RosterDatabase } from './tables.js';

/** The retiring-secrets column, parsed where it leaves the database (migration 014). */
const retiringSecretsColumn = z.array(z.object({ secret: z.string().min(1), untilMs: z.number() }));

function parseRetiring(text: string | null | undefined): RetiringSecret[] {
  // Absent on a schema from before migration 014 (`roster doctor` reads without migrating).
  return text === null || text === undefined ? [] : retiringSecretsColumn.parse(JSON.parse(text));
}

function toEndpoint(row: WebhookEndpointsTable): WebhookEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    label: row.label,
    secret: row.secret,
    retiringSecrets: parseRetiring(row.retiring_secrets),
    createdMs: Number(row.created_ms),
  };
}

function toStream(row: WebhookStreamsTable): WebhookStreamRecord {
  return {
    endpointId: row.endpoint_id,
    tenantId: row.tenant_id,
    lastSeq: Number(row.last_seq),
    state: row.state as StreamState,
    attempts: Number(row.attempts),
    firstFailureMs: num(row.first_failure_ms),
    nextAttemptMs: Number(row.next_attempt_ms),
    lastError: row.last_error,
    deliveredMs: num(row.delivered_ms),
    leaseOwner: row.lease_owner,
    leaseUntilMs: num(row.lease_until_ms),
    leaseToken: Number(row.lease_token),
  };
}

function toDeadLetter(row: WebhookDeadLettersTable): DeadLetterRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    tenantId: row.tenant_id,
    seq: Number(row.seq),
    eventId: row.event_id,
    eventType: row.event_type,
    attempts: Number(row.attempts),
    firstFailureMs: Number(row.first_failure_ms),
    deadMs: Number(row.dead_ms),
    lastError: row.last_error,
    replayedMs: num(row.replayed_ms),
  };
}

/** Delivery state on SQLite and PostgreSQL; cross-tenant by nature (the dispatcher serves every tenant). */
export class SqlDeliveryStore implements DeliveryStore {
  private readonly db: DeliveryDb;
  private readonly hostKeys: SqlHostKeys;

  constructor(
    db: Kysely<RosterDatabase>,
    private readonly dialect: SqlDialect,
  ) {
    this.db = db.withTables<DeliveryTables>();
    this.hostKeys = new SqlHostKeys(this.db);
  }

  async createEndpoint(endpoint: WebhookEndpointRecord): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_endpoints')
        .values({
          id: endpoint.id,
          tenant_id: endpoint.tenantId,
          url: endpoint.url,
          label: endpoint.label,
          secret: endpoint.secret,
          previous_secret: null,
          previous_secret_until_ms: null,
          retiring_secrets: JSON.stringify(endpoint.retiringSecrets),
          created_ms: endpoint.createdMs,
        })
        .execute();
      // Each stream starts at the tenant's current seq: an endpoint receives what happens after it exists.
      const which = endpoint.tenantId === null ? sql`1 = 1` : sql`t.id = ${endpoint.tenantId}`;
      await sql`insert into webhook_streams (endpoint_id, tenant_id, last_seq, state, attempts, next_attempt_ms)
        select ${endpoint.id}, t.id, coalesce(q.last_seq, 0), 'active', 0, ${endpoint.createdMs}
        from tenants t left join event_sequences q on q.tenant_id = t.id where ${which}`.execute(trx);
    });
  }

  async findEndpoint(id: string): Promise<WebhookEndpointRecord | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEndpoint(row) : undefined;
  }

  async listEndpoints(filter?: { tenantId: string }): Promise<WebhookEndpointRecord[]> {
    let query = this.db.selectFrom('webhook_endpoints').selectAll();
    if (filter) query = query.where((eb) => eb.or([eb('tenant_id', '=', filter.tenantId), eb('tenant_id', 'is', null)]));
    const rows = await query.orderBy('created_ms').orderBy('id').execute();
    return rows.map(toEndpoint);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async rotateSecret(id: string, secret: string, nowMs: number, previousUntilMs: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Read and written in one transaction, the row locked on PostgreSQL: two rotations at once
      // must not each keep a list that lacks the secret the other retired.
      let read = trx.selectFrom('webhook_endpoints').select(['secret', 'retiring_secrets']).where('id', '=', id);
      if (this.dialect.engine === 'postgres') read = read.forUpdate();
      const row = await read.executeTakeFirst();
      if (!row) return false;
      const stillSigning = parseRetiring(row.retiring_secrets).filter((r) => r.untilMs > nowMs);
      const retiring: RetiringSecret[] = [{ secret: row.secret, untilMs: previousUntilMs }, ...stillSigning];
      await trx
        .updateTable('webhook_endpoints')
        .set({ secret, retiring_secrets: JSON.stringify(retiring), previous_secret: null, previous_secret_until_ms: null })
        .where('id', '=', id)
        .execute();
      return true;
    });
  }

  async streamsOf(endpointId: string): Promise<StreamStatus[]> {
    const { rows } = await sql<WebhookStreamsTable & { slug: string; outbox_seq: number | null }>`
      select s.*, t.slug, q.last_seq as outbox_seq from webhook_streams s
      join tenants t on t.id = s.tenant_id left join event_sequences q on q.tenant_id = s.tenant_id
      where s.endpoint_id = ${endpointId} order by t.slug`.execute(this.db);
    return rows.map((r) => ({ ...toStream(r), tenantSlug: r.slug, outboxSeq: Number(r.outbox_seq ?? 0) }));
  }

  async troubledStreams(filter?: { tenantId: string }): Promise<TroubledStream[]> {
    const which = filter ? sql`and s.tenant_id = ${filter.tenantId}` : sql``;
    const { rows } = await sql<WebhookStreamsTable & { slug: string; label: string; url: string }>`
      select s.*, t.slug, e.label, e.url from webhook_streams s
      join tenants t on t.id = s.tenant_id join webhook_endpoints e on e.id = s.endpoint_id
      where (s.state = 'dead' or s.attempts > 0) ${which}
      order by t.slug, e.created_ms, e.id`.execute(this.db);
    return rows.map((r) => ({ ...toStream(r), tenantSlug: r.slug, endpointLabel: r.label, endpointUrl: r.url }));
  }

  async openMissingStreams(nowMs: number): Promise<void> {
    // A tenant newer than the endpoint starts at 0 (all its events are newer); an older one at its current seq.
    await sql`insert into webhook_streams (endpoint_id, tenant_id, last_seq, state, attempts, next_attempt_ms)
      select e.id, t.id, case when t.created_ms >= e.created_ms then 0 else coalesce(q.last_seq, 0) end, 'active', 0, ${nowMs}
      from webhook_endpoints e cross join tenants t left join event_sequences q on q.tenant_id = t.id
      where e.tenant_id is null and not exists (select 1 from webhook_streams s where s.endpoint_id = e.id and s.tenant_id = t.id)
      on conflict (endpoint_id, tenant_id) do nothing`.execute(this.db);
  }

  async claimDue(owner: string, nowMs: number, leaseUntilMs: number, limit: number): Promise<StreamClaim[]> {
    if (limit <= 0) return [];
    // SKIP LOCKED: a row another dispatcher is claiming right now is passed over, never waited for;
    // once it commits, the lease it wrote excludes the row here. A tenant in preview has nothing
    // delivered: its outbox before going live is deleted by the go-live (preview-outbox.ts).
    const lock = this.dialect.engine === 'postgres' ? sql`for update of s skip locked` : sql``;
    const { rows } = await sql<WebhookStreamsTable>`update webhook_streams set lease_owner = ${owner}, lease_until_ms = ${leaseUntilMs}, lease_token = lease_token + 1
      where (endpoint_id, tenant_id) in (
        select s.endpoint_id, s.tenant_id from webhook_streams s join event_sequences q on q.tenant_id = s.tenant_id
          join tenants t on t.id = s.tenant_id and t.mode = 'live'
        where s.state = 'active' and q.last_seq > s.last_seq and s.next_attempt_ms <= ${nowMs}
          and (s.lease_until_ms is null or s.lease_until_ms < ${nowMs})
        order by s.next_attempt_ms limit ${limit} ${lock})
      returning *`.execute(this.db);
    if (rows.length === 0) return [];
    const streams = rows.map(toStream);
    const endpoints = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where(this.dialect.inList(sql.ref('id'), [...new Set(streams.map((s) => s.endpointId))]))
      .execute();
    const tenants = await this.db
      .selectFrom('tenants')
      .select(['id', 'slug'])
      .where(this.dialect.inList(sql.ref('id'), [...new Set(streams.map((s) => s.tenantId))]))
      .execute();
    const endpointById = new Map(endpoints.map((e) => [e.id, toEndpoint(e)]));
    const slugById = new Map(tenants.map((t) => [t.id, t.slug]));
    const claims: StreamClaim[] = [];
    for (const stream of streams) {
      const endpoint = endpointById.get(stream.endpointId);
      const tenantSlug = slugById.get(stream.tenantId);
      if (endpoint && tenantSlug !== undefined) claims.push({ stream, endpoint, tenantSlug });
    }
    return claims;
  }

  async renewLease(key: StreamKey, lease: StreamLease, leaseUntilMs: number, lastSeq?: number): Promise<boolean> {
    // The token, not the time, decides: a claim that ran out but was not taken over may go on (a
    // dispatcher taking it over would have to lock and change this row, so both cannot succeed);
    // one that was taken over, even by the same process, may not.
    let query = this.db
      .updateTable('webhook_streams')
      .set({ lease_until_ms: leaseUntilMs })
      .where('endpoint_id', '=', key.endpointId)
      .where('tenant_id', '=', key.tenantId)
      .where('lease_owner', '=', lease.owner)
      .where('lease_token', '=', lease.token)
      .where('state', '=', 'active');
    if (lastSeq !== undefined) query = query.where('last_seq', '=', lastSeq);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordSuccess(key: StreamKey, lease: StreamLease, seq: number, nowMs: number, leaseUntilMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_streams')
      .set({ last_seq: seq, attempts: 0, first_failure_ms: null, last_error: null, delivered_ms: nowMs, next_attempt_ms: nowMs, lease_until_ms: leaseUntilMs })
      .where('endpoint_id', '=', key.endpointId)
      .where('tenant_id', '=', key.tenantId)
      .where('lease_owner', '=', lease.owner)
      .where('lease_token', '=', lease.token)
      .where('last_seq', '=', seq - 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async skipDeleted(key: StreamKey, lease: StreamLease, fromSeq: number, toSeq: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_streams')
      .set({ last_seq: toSeq })
      .where('endpoint_id', '=', key.endpointId)
      .where('tenant_id', '=', key.tenantId)
      .where('lease_owner', '=', lease.owner)
      .where('lease_token', '=', lease.token)
      .where('last_seq', '=', fromSeq)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recordFailure(key: StreamKey, lease: StreamLease, failure: FailureUpdate): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_streams')
      .set({
        attempts: failure.attempts,
        first_failure_ms: failure.firstFailureMs,
        next_attempt_ms: failure.nextAttemptMs,
        last_error: failure.error,
        lease_owner: null,
        lease_until_ms: null,
      })
      .where('endpoint_id', '=', key.endpointId)
      .where('tenant_id', '=', key.tenantId)
      .where('lease_owner', '=', lease.owner)
      .where('lease_token', '=', lease.token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deadLetter(key: StreamKey, lease: StreamLease, letter: DeadLetterRecord): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('webhook_streams')
        .set({ state: 'dead', attempts: letter.attempts, first_failure_ms: letter.firstFailureMs, last_error: letter.lastError, lease_owner: null, lease_until_ms: null })
        .where('endpoint_id', '=', key.endpointId)
        .where('tenant_id', '=', key.tenantId)
        .where('lease_owner', '=', lease.owner)
        .where('lease_token', '=', lease.token)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      await trx
        .insertInto('webhook_dead_letters')
        .values({
          id: letter.id,
          endpoint_id: letter.endpointId,
          tenant_id: letter.tenantId,
          seq: letter.seq,
          event_id: letter.eventId,
          event_type: letter.eventType,
          attempts: letter.attempts,
          first_failure_ms: letter.firstFailureMs,
          dead_ms: letter.deadMs,
          last_error: letter.lastError,
          replayed_ms: letter.replayedMs,
        })
        .execute();
      return true;
    });
  }

  async release(key: StreamKey, lease: StreamLease): Promise<void> {
    await this.db
      .updateTable('webhook_streams')
      .set({ lease_owner: null, lease_until_ms: null })
      .where('endpoint_id', '=', key.endpointId)
      .where('tenant_id', '=', key.tenantId)
      .where('lease_owner', '=', lease.owner)
      .where('lease_token', '=', lease.token)
      .execute();
  }

  async releaseAll(owner: string): Promise<void> {
    await this.db.updateTable('webhook_streams').set({ lease_owner: null, lease_until_ms: null }).where('lease_owner', '=', owner).execute();
  }

  async listDeadLetters(tenantId: string, options?: { includeReplayed?: boolean }): Promise<DeadLetterRecord[]> {
    let query = this.db.selectFrom('webhook_dead_letters').selectAll().where('tenant_id', '=', tenantId);
    if (!options?.includeReplayed) query = query.where('replayed_ms', 'is', null);
    const rows = await query.orderBy('dead_ms', 'desc').orderBy('id', 'desc').execute();
    return rows.map(toDeadLetter);
  }

  async replayDeadLetter(id: string, nowMs: number): Promise<DeadLetterRecord | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('webhook_dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const letter = toDeadLetter(row);
      if (letter.replayedMs !== null) return letter;
      // The stream waited at this event: it resumes there, so order is kept.
      await trx
        .updateTable('webhook_streams')
        .set({ state: 'active', attempts: 0, first_failure_ms: null, last_error: null, next_attempt_ms: nowMs, lease_owner: null, lease_until_ms: null })
        .where('endpoint_id', '=', letter.endpointId)
        .where('tenant_id', '=', letter.tenantId)
        .where('state', '=', 'dead')
        .where('last_seq', '=', letter.seq - 1)
        .execute();
      await trx.updateTable('webhook_dead_letters').set({ replayed_ms: nowMs }).where('id', '=', id).execute();
      return { ...letter, replayedMs: nowMs };
    });
  }

  createHostKey(key: HostKeyRecord): Promise<void> {
    return this.hostKeys.create(key);
  }

  findHostKey(id: string): Promise<HostKeyRecord | undefined> {
    return this.hostKeys.find(id);
  }

  listHostKeys(): Promise<HostKeyRecord[]> {
    return this.hostKeys.list();
  }

  revokeHostKey(id: string, nowMs: number): Promise<boolean> {
    return this.hostKeys.revoke(id, nowMs);
  }

  touchHostKey(id: string, nowMs: number): Promise<void> {
    return this.hostKeys.touch(id, nowMs);
  }
}
