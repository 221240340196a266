/** How webhook deliveries are timed: per-attempt timeout, backoff, how long to keep trying. */
export interface DeliverySettings {
  readonly timeoutMs: number;
  /** First retry waits up to this long; each further one up to twice as long as the one before… */
  readonly retryBaseMs: number;
  /** …but never more than this. */
  readonly retryMaxMs: number;
  /** After failing for this long, the event becomes a dead letter and its stream waits for a replay. */
  readonly retryWindowMs: number;
  /** How often other processes' commits and due retries are looked for. */
  readonly pollMs: number;
  /**
   * How long a claim on a stream lasts without renewal; the holder renews it every third of that,
   * also while a send is in flight, so a crashed process's streams are taken over after about this long.
   */
  readonly leaseMs: number;
  /** Streams delivered at once by one process. */
  readonly concurrency: number;
}

/**
 * Exponential backoff with full jitter (a uniformly random wait between 0 and the capped
 * exponential), so receivers coming back are not hit by every stream at the same moment.
 */
export function retryDelayMs(attempts: number, settings: Pick<DeliverySettings, 'retryBaseMs' | 'retryMaxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}
