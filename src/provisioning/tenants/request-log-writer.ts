import type { RequestLogEntry, Store } from '../../storage/store.js';

/** Bodies waiting in memory past which a batch is written at once, whatever its count. */
export const BODY_BYTES_PER_BATCH = 2 * 1024 * 1024;
/**
 * Bodies waiting in memory past which new entries are kept without them (the entry itself is kept):
 * with the database unreachable, 10,000 entries of two 16 KB bodies would hold about 330 MB.
 */
export const MAX_BUFFERED_BODY_BYTES = 16 * 1024 * 1024;

/** What an entry's bodies weigh in memory (UTF-16: two bytes a character). */
const bodyBytes = (entry: RequestLogEntry): number => 2 * ((entry.requestBody?.length ?? 0) + (entry.responseBody?.length ?? 0));

/**
 * The provisioning log is written in batches off the request path: entries wait in memory for at
 * most one interval (or until a batch fills, by count or by the bytes of its bodies) and go to the
 * database in one insert.
 */
export class RequestLogWriter {
  private buffer: RequestLogEntry[] = [];
  private bufferedBodyBytes = 0;
  /** Entries kept without their bodies because the buffer's bodies were at their limit. */
  bodiesDropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** Entries dropped because the database stayed unreachable and the buffer was full. */
  dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly maxBuffered = 10_000,
    private readonly batchSize = 500,
    private readonly bodyBytesPerBatch = BODY_BYTES_PER_BATCH,
    private readonly maxBodyBytes = MAX_BUFFERED_BODY_BYTES,
  ) {}

  /** Bytes of bodies buffered, not written yet. */
  get bufferedBytes(): number {
    return this.bufferedBodyBytes;
  }

  /** Entries buffered, not written yet (metrics). */
  get bufferedCount(): number {
    return this.buffer.length;
  }

  append(entry: RequestLogEntry): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++;
      return;
    }
    let kept = entry;
    if (this.bufferedBodyBytes + bodyBytes(entry) > this.maxBodyBytes) {
      this.bodiesDropped++;
      kept = { ...entry, requestBody: null, responseBody: null };
    }
    this.buffer.push(kept);
    this.bufferedBodyBytes += bodyBytes(kept);
    if (this.buffer.length >= this.batchSize || this.bufferedBodyBytes >= this.bodyBytesPerBatch) void this.flush().catch(() => {});
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
          this.bufferedBodyBytes -= batch.reduce((sum, e) => sum + bodyBytes(e), 0);
        }
      });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush().catch(() => {});
  }
}
