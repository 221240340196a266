import { RawHttpPool, type RawAnswer } from './raw-http.js';

/**
 * A closed-loop load generator: N clients in this process, each sending its next request as soon
 * as the previous answer has been read, until `total` requests are done. Latency is measured from
 * the call to the end of the response body; percentiles are exact (every sample is kept, counts
 * are bounded), and a log-scale histogram is kept for the JSON report.
 */

/** Latency summary in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Sparse log-scale histogram: bucket upper bound in ms → count (10 buckets per decade). */
export type Histogram = Record<string, number>;

/** Throughput and latency of `total` operations run by `clients` concurrent loops. */
export interface Measurement {
  readonly total: number;
  readonly clients: number;
  readonly durationMs: number;
  /** Completed operations per second of wall time. */
  readonly perSecond: number;
  readonly latencyMs: LatencySummary;
  readonly histogramMs: Histogram;
}

export function measurement(samplesMs: Float64Array, durationMs: number, clients: number): Measurement {
  return {
    total: samplesMs.length,
    clients,
    durationMs,
    perSecond: (samplesMs.length / durationMs) * 1000,
    latencyMs: summarise(samplesMs),
    histogramMs: histogram(samplesMs),
  };
}

export interface LoadResult extends Measurement {
  readonly ok: number;
  /** Count of responses per status (and `error:<code>` for transport failures). */
  readonly statuses: Record<string, number>;
  /** The first few unexpected answers, for the report. */
  readonly unexpected: readonly string[];
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function summarise(samples: Float64Array | readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export function histogram(samples: Float64Array | readonly number[]): Histogram {
  const counts = new Map<number, number>();
  for (const ms of samples) {
    // Bucket k covers (10^((k-1)/10), 10^(k/10)] ms.
    const k = Math.ceil(Math.log10(Math.max(ms, 0.001)) * 10);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: Histogram = {};
  for (const k of [...counts.keys()].sort((a, b) => a - b)) {
    out[`<=${Number((10 ** (k / 10)).toPrecision(3))}`] = counts.get(k) ?? 0;
  }
  return out;
}

/**
 * Runs `task(i)` for i in [0, total) on `workers` concurrent loops, timing each call.
 * Used for HTTP requests and for the raw-driver limits alike.
 */
export async function closedLoop(
  total: number,
  workers: number,
  task: (index: number, worker: number) => Promise<void>,
): Promise<{ durationMs: number; samplesMs: Float64Array }> {
  const samplesMs = new Float64Array(total);
  let next = 0;
  const started = process.hrtime.bigint();
  const loop = async (worker: number): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= total) return;
      const t0 = process.hrtime.bigint();
      await task(index, worker);
      samplesMs[index] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, Math.max(total, 1)) }, (_, w) => loop(w)));
  return { durationMs: Number(process.hrtime.bigint() - started) / 1e6, samplesMs };
}

/** One HTTP request to send. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type HttpAnswer = RawAnswer;

/**
 * Keep-alive connections to 127.0.0.1 (at most `sockets`), through the lean client in raw-http.ts
 * so that the generator's own CPU stays small next to the server's.
 */
export class HttpClient {
  private readonly pool: RawHttpPool;

  constructor(port: number, sockets: number) {
    this.pool = new RawHttpPool(port, sockets);
  }

  send(request: LoadRequest): Promise<HttpAnswer> {
    return this.pool.send(request);
  }

  close(): void {
    this.pool.close();
  }
}

export interface HttpLoadOptions {
  readonly port: number;
  readonly clients: number;
  readonly total: number;
  /** The i-th request (i in [0, total)). */
  readonly request: (index: number) => LoadRequest;
  /** Whether an answer is what the scenario expects (status and, cheaply, body). */
  readonly expect: (answer: HttpAnswer, index: number) => boolean;
  /** Sees every answer after it is timed (e.g. to collect created ids). */
  readonly onAnswer?: (answer: HttpAnswer, index: number) => void;
}

/** Sends `total` requests from `clients` concurrent keep-alive connections. */
export async function httpLoad(options: HttpLoadOptions): Promise<LoadResult> {
  const client = new HttpClient(options.port, options.clients);
  const statuses: Record<string, number> = {};
  const unexpected: string[] = [];
  let ok = 0;
  // Requests are built before the clock starts so the generator measures the server, not itself.
  const requests = Array.from({ length: options.total }, (_, i) => options.request(i));
  const answers: (HttpAnswer | undefined)[] = new Array<HttpAnswer | undefined>(options.total);
  try {
    const { durationMs, samplesMs } = await closedLoop(options.total, options.clients, async (index) => {
      const request = requests[index];
      if (!request) return;
      try {
        answers[index] = await client.send(request);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
        statuses[`error:${code}`] = (statuses[`error:${code}`] ?? 0) + 1;
        if (unexpected.length < 5) unexpected.push(`${request.method} ${request.path}: ${String(error)}`);
      }
    });
    answers.forEach((answer, index) => {
      if (!answer) return;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (options.expect(answer, index)) ok++;
      else if (unexpected.length < 5) {
        const request = requests[index];
        unexpected.push(`${request?.method} ${request?.path} → ${answer.status} ${answer.body.slice(0, 300)}`);
      }
      options.onAnswer?.(answer, index);
    });
    return { ...measurement(samplesMs, durationMs, options.clients), ok, statuses, unexpected };
  } finally {
    client.close();
  }
}
