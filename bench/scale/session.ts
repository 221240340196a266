/**
 * What the scale scenarios share: SCIM requests recorded by kind (latency, status, whether the
 * answer was the expected one), a closed loop bounded both in operations and in time, and latency
 * summaries that go to the 99.9th percentile.
 */
import { HttpClient, percentile, summarise, type HttpAnswer, type LatencySummary } from '../load.js';
import { SCIM_HEADERS } from '../fixtures.js';

export interface LatencyWithTail extends LatencySummary {
  readonly p95: number;
  readonly p999: number;
}

export function summariseWithTail(samples: readonly number[]): LatencyWithTail {
  const sorted = Float64Array.from(samples).sort();
  return { ...summarise(sorted), p95: percentile(sorted, 95), p999: percentile(sorted, 99.9) };
}

/** One kind of request's outcome over a scenario. */
export interface KindResult {
  readonly count: number;
  readonly ok: number;
  /** Expected answers per second, over the span from this kind's first request to its last answer. */
  readonly okPerSecond: number;
  readonly latencyMs: LatencyWithTail;
  readonly statuses: Readonly<Record<string, number>>;
  /** The first few unexpected answers. */
  readonly unexpected: readonly string[];
}

interface KindSamples {
  samples: number[];
  /** When the kind's first request was sent and its last answer came (performance.now()). */
  first: number;
  last: number;
  ok: number;
  statuses: Record<string, number>;
  unexpected: string[];
}

/** Collects each request's latency and outcome under a kind name. */
export class KindRecorder {
  private readonly kinds = new Map<string, KindSamples>();

  private entry(kind: string): KindSamples {
    let entry = this.kinds.get(kind);
    if (!entry) {
      entry = { samples: [], first: Number.POSITIVE_INFINITY, last: 0, ok: 0, statuses: {}, unexpected: [] };
      this.kinds.set(kind, entry);
    }
    return entry;
  }

  record(kind: string, ms: number, status: string, ok: boolean, detail: () => string): void {
    const entry = this.entry(kind);
    const now = performance.now();
    entry.first = Math.min(entry.first, now - ms);
    entry.last = now;
    entry.samples.push(ms);
    entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
    if (ok) entry.ok++;
    else if (entry.unexpected.length < 5) entry.unexpected.push(detail());
  }

  /** Each kind's summary. */
  results(): Record<string, KindResult> {
    const out: Record<string, KindResult> = {};
    for (const [kind, e] of this.kinds) {
      out[kind] = {
        count: e.samples.length,
        ok: e.ok,
        okPerSecond: (e.ok / Math.max(e.last - e.first, 1e-3)) * 1000,
        latencyMs: summariseWithTail(e.samples),
        statuses: { ...e.statuses },
        unexpected: [...e.unexpected],
      };
    }
    return out;
  }
}

/** Problems worth reporting from a set of kinds: every unexpected answer, by kind. */
export function kindProblems(scenario: string, kinds: Readonly<Record<string, KindResult>>): string[] {
  return Object.entries(kinds)
    .filter(([, k]) => k.ok !== k.count)
    .map(([name, k]) => `${scenario} ${name}: ${k.count - k.ok} of ${k.count} answers unexpected ${JSON.stringify(k.statuses)}; first: ${k.unexpected.join(' | ')}`);
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Whether an answer is the one the scenario expects. */
export type Expectation = (answer: HttpAnswer) => boolean;

export const status =
  (...expected: number[]): Expectation =>
  (answer) =>
    expected.includes(answer.status);

/** A 200 list answer with exactly `n` results (a lookup that finds nothing is fast and wrong). */
export const totalResults =
  (n: number): Expectation =>
  (answer) =>
    answer.status === 200 && answer.body.includes(`"totalResults":${n},`);

/**
 * One tenant's SCIM API over keep-alive connections, recording every request under a kind. A
 * request that gets no answer within `timeoutMs` is recorded as `error:ETIMEDOUT` (its connection
 * stays busy until the server answers or the session closes), so no loop waits forever.
 */
export class ScimSession {
  private readonly client: HttpClient;
  private readonly headers: Record<string, string>;

  constructor(
    port: number,
    token: string,
    sockets: number,
    private readonly recorder: KindRecorder,
    private readonly timeoutMs: number,
  ) {
    this.client = new HttpClient(port, sockets);
    this.headers = { ...SCIM_HEADERS, authorization: `Bearer ${token}` };
  }

  /** Sends one request and records it; answers undefined when there was no answer (recorded as an error). */
  async send(kind: string, method: Method, path: string, body: unknown, expect: Expectation): Promise<HttpAnswer | undefined> {
    const request = {
      method,
      path: `/scim/v2${path}`,
      headers: this.headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    };
    const t0 = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.client.send(request),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${this.timeoutMs} ms`), { code: 'ETIMEDOUT' })), this.timeoutMs);
        }),
      ]);
      const ms = performance.now() - t0;
      const ok = expect(answer);
      this.recorder.record(kind, ms, String(answer.status), ok, () => `${method} ${path.slice(0, 160)} → ${answer.status} ${answer.body.slice(0, 300)}`);
      return answer;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      this.recorder.record(kind, performance.now() - t0, `error:${code}`, false, () => `${method} ${path.slice(0, 160)}: ${String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.client.close();
  }
}

/** The id in a 201 answer's body. */
export function createdId(answer: HttpAnswer | undefined): string | undefined {
  if (answer?.status !== 201) return undefined;
  const id = (JSON.parse(answer.body) as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

export interface LoopBounds {
  readonly clients: number;
  /** At most this many operations are started… */
  readonly maxOps: number;
  /** …and none after this many milliseconds. */
  readonly maxMs: number;
}

/**
 * Runs `step(index, worker)` on `clients` concurrent loops until `maxOps` operations have been
 * started or `maxMs` has passed (operations already started finish). Answers how many ran and the
 * wall time, and whether the time bound (rather than the count) ended it.
 */
export async function boundedLoop(
  bounds: LoopBounds,
  step: (index: number, worker: number) => Promise<void>,
): Promise<{ ops: number; durationMs: number; timedOut: boolean }> {
  const started = performance.now();
  const deadline = started + bounds.maxMs;
  let next = 0;
  let timedOut = false;
  const loop = async (worker: number): Promise<void> => {
    for (;;) {
      if (next >= bounds.maxOps) return;
      if (performance.now() >= deadline) {
        timedOut = true;
        return;
      }
      await step(next++, worker);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(bounds.clients, bounds.maxOps)) }, (_, w) => loop(w)));
  return { ops: next, durationMs: performance.now() - started, timedOut };
}

/** `filter=` query parameter (encoded), e.g. `userName eq "ada@example.com"`. */
export function filterParam(expression: string): string {
  return `filter=${encodeURIComponent(expression)}`;
}
