import type { RequestLogEntry, Store } from '../../storage/store.js';

/**
 * The provisioning log is written in batches off the request path: entries wait in memory for at
 * most one interval (or until a batch fills) and go to the database in one insert.
 */
export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Entries dropped because the database stayed unreachable and the buffer was full. */
  dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly maxBuffered = 10_000,
    private readonly batchSize = 500,
  ) {}

  /** Entries buffered, not written yet (metrics). */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  append(entry: RequestLogEntry): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
    if (this.buffer.length >= this.batchSize) void this.flush().catch(() => {});
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush().catch(() => {}), intervalMs);
    this.timer.unref();
  }

  /** Writes what is buffered; concurrent calls are serialised. */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .catch(() => {})
      .then(async () => {
        while (this.buffer.length > 0) {
          const batch = this.buffer.slice(0, this.batchSize);
          await this.store.appendRequestLog(batch);
          this.buffer = this.buffer.slice(batch.length);
        }
      });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch(() => {});
  }
}
