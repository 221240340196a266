import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { RosterDatabase } from '../tables.js';

/** The channel every Roster process on a database listens on; the payload names the schema. */
export const CREDENTIAL_CHANNEL = 'roster_credentials';

/**
 * Tells other processes on the same PostgreSQL schema that a credential or a tenant changed, so
 * they drop what they cached. Run it inside the transaction that makes the change: PostgreSQL
 * delivers a notification only when (and if) that transaction commits.
 */
export async function announceCredentialChange(db: Kysely<RosterDatabase>, schemaKey: string): Promise<void> {
  await sql`select pg_notify(${CREDENTIAL_CHANNEL}, ${schemaKey})`.execute(db);
}

export interface ChangeListenerOptions {
  readonly connectionString: string;
  /** The schema's name ('' for the default), as `announceCredentialChange` sends it. */
  readonly schemaKey: string;
  /** How long a connection attempt may take (a host that drops packets must not hold up a start). */
  readonly connectionTimeoutMs?: number;
  /**
   * Sends a notification on the channel through another connection (the pool). The listener
   * sends itself one every `heartbeatMs`, and if it has not heard it within `heartbeatTimeoutMs`
   * it stops vouching for anything and reconnects: a connection can die silently (a firewall
   * dropping an idle socket) or never hear anything (a transaction-mode pooler in between).
   */
  readonly notify?: (payload: string) => Promise<void>;
  readonly heartbeatMs?: number;
  readonly heartbeatTimeoutMs?: number;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
}

/**
 * One connection that LISTENs for credential and tenant changes made by any process on this
 * schema. `changedElsewhere()` answers true once per notification, and always while the
 * connection is down (or not yet listening): a cache asking it never trusts an entry it cannot
 * vouch for. After a reconnection it answers true once more, for whatever was missed meanwhile.
 */
export class PostgresChangeListener {
  private client: pg.Client | undefined;
  private listening = false;
  private changed = true;
  private closed = false;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  /** The heartbeat sent and not heard yet, and when it is overdue. */
  private awaited: { payload: string; overdueMs: number } | undefined;
  private heartbeats = 0;

  constructor(private readonly options: ChangeListenerOptions) {
    this.retryMs = options.retryMinMs ?? 500;
  }

  /** Connects and listens; resolves either way (a failure is retried in the background). */
  async start(): Promise<void> {
    await this.connect();
    if (this.options.notify) {
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? 10_000);
      this.heartbeatTimer.unref();
    }
  }

  changedElsewhere(): boolean {
    if (this.awaited && Date.now() > this.awaited.overdueMs) this.deafened();
    if (!this.listening) return true;
    if (!this.changed) return false;
    this.changed = false;
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: 'roster-change-listener',
      connectionTimeoutMillis: this.options.connectionTimeoutMs ?? 5000,
    });
    this.client = client;
    const lost = (): void => this.drop(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel !== CREDENTIAL_CHANNEL) return;
      if (message.payload === this.options.schemaKey) this.changed = true;
      else if (this.awaited && message.payload === this.awaited.payload) this.awaited = undefined;
    });
    try {
      await client.connect();
      await client.query('listen roster_credentials'); // CREDENTIAL_CHANNEL
      if (this.client !== client) return;
      this.changed = true; // anything may have changed while no one was listening
      this.awaited = undefined;
      this.listening = true;
      this.retryMs = this.options.retryMinMs ?? 500;
    } catch {
      lost();
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.awaited && Date.now() > this.awaited.overdueMs) this.deafened();
    if (!this.listening || this.awaited || !this.options.notify) return;
    // Never equal to a schema name (those cannot contain '#').
    const payload = `${this.options.schemaKey}#heartbeat-${process.pid}-${++this.heartbeats}`;
    this.awaited = { payload, overdueMs: Date.now() + (this.options.heartbeatTimeoutMs ?? 5_000) };
    // A failed send (the database is down) is not the listener's fault: it is simply not heard,
    // and the listener stops vouching when it is overdue, which is right then too.
    await this.options.notify(payload).catch(() => {});
  }

  /** Connected but not hearing: stop vouching, drop the connection and listen afresh. */
  private deafened(): void {
    this.awaited = undefined;
    this.drop(this.client);
  }

  /** Stops vouching for anything heard on `client` (unless it was already replaced) and reconnects later. */
  private drop(client: pg.Client | undefined): void {
    if (!client || this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    this.awaited = undefined;
    client.end().catch(() => {});
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(wait * 2, this.options.retryMaxMs ?? 30_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, wait);
    this.retryTimer.unref();
  }
}
