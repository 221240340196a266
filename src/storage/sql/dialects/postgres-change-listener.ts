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

  constructor(private readonly options: ChangeListenerOptions) {
    this.retryMs = options.retryMinMs ?? 500;
  }

  /** Connects and listens; resolves either way (a failure is retried in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  changedElsewhere(): boolean {
    if (!this.listening) return true;
    if (!this.changed) return false;
    this.changed = false;
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'roster-change-listener' });
    this.client = client;
    const lost = (): void => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      client.end().catch(() => {});
      this.scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === CREDENTIAL_CHANNEL && message.payload === this.options.schemaKey) this.changed = true;
    });
    try {
      await client.connect();
      await client.query('listen roster_credentials'); // CREDENTIAL_CHANNEL
      if (this.client !== client) return;
      this.changed = true; // anything may have changed while no one was listening
      this.listening = true;
      this.retryMs = this.options.retryMinMs ?? 500;
    } catch {
      lost();
    }
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
