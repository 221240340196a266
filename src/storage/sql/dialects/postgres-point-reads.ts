import type pg from 'pg';
import { SocketCork } from './pg-socket-cork.js';

/**
 * One pipelined connection for point reads: statements that an index answers in a fraction of a
 * millisecond (a `userName eq` lookup), run outside any transaction.
 *
 * Through the pool, each lookup took a connection of its own and wrote its statement to it: one
 * socket write, one wake-up of a PostgreSQL backend, one read of its answer, per lookup. In a CPU
 * profile of 8 clients' lookups those writes were 43% of the server's samples. Here the reads of one
 * event-loop turn are written together (the socket is corked until the turn's check phase), and
 * PostgreSQL answers them back to back on one backend: a write and a wake-up per turn.
 *
 * Each statement is still its own extended-protocol exchange ending in Sync, so one that fails
 * (a deadline, a bad value) fails alone; the others are answered. Only statements bounded by an
 * index may come here: one slow statement would hold up those queued behind it on the connection,
 * which is why filtered lists, counts and everything else keep the pool and the read pool.
 *
 * A connection that breaks fails the statements it carried (the store answers 503, as when a pool
 * connection breaks), and the next read opens a new one.
 */
export class PostgresPointReads {
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  /** Taken by the turn's first read, released in its check phase: every read of the turn in one write. */
  readonly #cork = new SocketCork();
  #closed = false;
  /** Connections opened so far (tests; a reconnect after a break shows here). */
  opened = 0;

  constructor(private readonly open: () => Promise<pg.Client>) {}

  async run(text: string, values: readonly unknown[]): Promise<unknown[]> {
    const client = this.#client ?? (await (this.#connecting ??= this.#connect()));
    this.#cork.hold(client);
    const result = await client.query(text, values as unknown[]);
    return result.rows as unknown[];
  }

  /** Ends the connection; reads after this fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client ?? (await this.#connecting?.catch(() => undefined));
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<pg.Client> {
    try {
      if (this.#closed) throw new Error('the point-read connection is closed');
      const client = await this.open();
      this.opened++;
      const forget = () => {
        if (this.#client === client) this.#client = undefined;
      };
      // Without a listener an 'error' would crash the process; the statements in flight fail with it.
      client.on('error', forget);
      client.on('end', forget);
      if (this.#closed) {
        await client.end().catch(() => {});
        throw new Error('the point-read connection is closed');
      }
      this.#client = client;
      return client;
    } finally {
      this.#connecting = undefined;
    }
  }
}
