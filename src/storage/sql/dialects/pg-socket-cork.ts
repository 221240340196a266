import type { Writable } from 'node:stream';
import type pg from 'pg';

/**
 * Holds what is written to a pg client's socket so that several statements leave in one write.
 * pg corks the socket around each statement's messages but writes each statement on its own; a
 * cork held across statements joins them. It is released by `release()` or, whatever path the
 * caller takes, in the check phase of the event-loop turn that took it.
 */
export class SocketCork {
  #stream: Writable | undefined;

  /** Holds the client's writes from now; a no-op while a hold is in place. */
  hold(client: pg.Client | pg.PoolClient): void {
    if (this.#stream) return;
    const stream = (client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
    if (!stream || typeof stream.cork !== 'function') return;
    stream.cork();
    this.#stream = stream;
    setImmediate(() => {
      if (this.#stream === stream) this.release();
    });
  }

  /** Writes what was held, in one write. */
  release(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    stream?.uncork();
  }
}
