import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { foldText } from '../../fold.js';
import type { ReadWorkerStats } from '../../operations-store.js';
import { readBudgetLeftMs } from '../../read-budget.js';
import { StorageDeadlineError, StorageUnavailableError } from '../../store.js';

/**
 * The worker, as the text of a CommonJS script (`eval: true`), like the checkpoint worker: the same
 * text runs from dist/ and from the sources under tsx, whose loader does not reach worker threads.
 * It runs SELECTs on a read-only connection of its own; WAL lets it read beside the serving
 * connection's writes, each statement seeing what was committed when it began. The fold function
 * is the serving connection's own (its source is put into the script), so filters fold alike.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { driver, file, busyTimeoutMs } = workerData;
const Database = require(driver);
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = ' + busyTimeoutMs);
db.pragma('query_only = 1');
const foldText = ${foldText.toString()};
db.function('roster_fold', { deterministic: true }, (value) => (typeof value === 'string' ? foldText(value) : value));
// Below the serving thread in the scheduler (nice +10): on a machine with as many cores as busy
// workers, a long read still leaves the event loop the CPU it needs for lookups, writes and
// /healthz. Linux names a thread by its own id (/proc/thread-self); elsewhere the whole process
// would be lowered, so there the worker keeps its priority.
let lowered = false;
let tid = null;
try {
  const own = Number(String(require('node:fs').readlinkSync('/proc/thread-self')).split('/').pop());
  if (Number.isInteger(own) && own > 0 && own !== process.pid) {
    require('node:os').setPriority(own, Math.min(19, require('node:os').getPriority(own) + 10));
    lowered = true;
    tid = own;
  }
} catch {}
const statements = new Map();
parentPort.on('message', (job) => {
  if (job === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    let statement = statements.get(job.text);
    if (!statement) {
      statement = db.prepare(job.text);
      if (!statement.reader) throw Object.assign(new Error('only statements that read run off the event loop'), { code: 'ROSTER_NOT_A_READ' });
      if (statements.size < 500) statements.set(job.text, statement);
    }
    parentPort.postMessage({ id: job.id, rows: statement.all(...job.parameters) });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
parentPort.postMessage({ ready: true, lowered, tid });
`;

interface Job {
  readonly id: number;
  readonly text: string;
  readonly parameters: readonly unknown[];
  readonly resolve: (rows: unknown[]) => void;
  readonly reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** The worker thread's id where the scheduler can be told about it (Linux), once it is ready. */
  tid?: number;
  job?: Job;
  /** Resolves once the worker has opened its connection. */
  readonly ready: Promise<void>;
}

type WorkerAnswer = { id: number; rows: unknown[] } | { id: number; error: { message: string; code?: string } } | { ready: true; tid: number | null };

export interface ReadWorkerOptions {
  /** How many worker threads, each with its own connection (at least 1). */
  readonly workers: number;
  /** A read not answered this long after it was asked is abandoned: its worker is ended and replaced (0: no deadline). */
  readonly deadlineMs: number;
  /** Reads waiting for a worker beyond this many are refused at once (the database is saturated). */
  readonly maxWaiting?: number;
}

/**
 * Reads that can take long (list pages over filters, counts) run here instead of on the serving
 * connection: better-sqlite3 runs a statement synchronously, so on the serving thread the slowest
 * read any client can ask for would be every tenant's latency.
 *
 * A read past its deadline is answered with StorageDeadlineError at once and a fresh worker takes
 * its place. The abandoned worker is told to end, but the driver offers no way to interrupt a
 * statement (no sqlite3_interrupt), and a thread ends only once it is back in JavaScript: it goes
 * on until SQLite finishes that statement (it holds no write lock meanwhile), then exits. Its thread
 * is put last in the scheduler (nice 19, Linux), so it runs on CPU nothing else wants: the serving
 * thread and the live workers go first. So that abandoned statements cannot pile up without end, no
 * new read starts while ABANDONED_PER_WORKER times as many as there are workers are still
 * finishing: it waits, within its deadline, for one of them to end, as it would wait for a busy
 * worker. (Refusing it at once instead let a client that retries without pause turn every read into
 * an instant 503: 1,179 refusals per kind of read in 30 s of the hostile-reads bench, whose
 * handling took the serving thread from other tenants' lookups, p99 2.1× their idle value.)
 */
/**
 * Abandoned statements allowed to finish per worker before no long read may start. One per worker
 * refused the next admin's page as soon as two hostile reads had run out their deadlines (seen at
 * 1,000,000 people: 150 of 151 filter shapes refused in 4 s); at nice 19 an abandoned statement
 * takes little from anyone, so a few more may finish meanwhile.
 */
const ABANDONED_PER_WORKER = 2;

export class SqliteReadWorkers {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private readonly driver = createRequire(import.meta.url).resolve('better-sqlite3');
  private nextId = 1;
  private stopped = false;
  /** Abandoned workers still finishing their statement. */
  private abandoned = 0;
  private counts = { executed: 0, pastDeadline: 0, replaced: 0 };

  constructor(
    private readonly file: string,
    private readonly options: ReadWorkerOptions,
  ) {
    for (let i = 0; i < Math.max(1, options.workers); i++) this.slots.push(this.spawn());
  }

  /** Resolves once every current worker has opened its connection (tests: a deadline then times only the read). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  get stats(): ReadWorkerStats {
    return { ...this.counts };
  }

  /** Runs one SELECT on a worker's connection and answers its rows, or fails at the deadline. */
  run(text: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.stopped) return Promise.reject(new StorageUnavailableError('the database is closing'));
    // The request's read budget (read-budget.ts) bounds this read too, its wait for a worker included.
    const left = readBudgetLeftMs();
    // Under a millisecond is spent: a timer may fire a fraction of a millisecond before performance.now() reaches its deadline.
    if (left !== undefined && left < 1) return Promise.reject(new StorageDeadlineError("the request's read budget was spent before this read"));
    const deadlineMs = left === undefined ? this.options.deadlineMs : this.options.deadlineMs > 0 ? Math.min(this.options.deadlineMs, left) : left;
    if (this.waiting.length >= (this.options.maxWaiting ?? 256)) {
      return Promise.reject(new StorageUnavailableError('too many long reads are waiting for the database; retry shortly'));
    }
    return new Promise((resolve, reject) => {
      const job: Job = { id: this.nextId++, text, parameters, resolve, reject };
      if (deadlineMs > 0) job.timer = setTimeout(() => this.pastDeadline(job, deadlineMs), deadlineMs);
      this.waiting.push(job);
      this.dispatch();
    });
  }

  /**
   * Ends every worker; reads still waiting or running fail as "unavailable". Idle workers close
   * their connections; one still inside a statement is left to end when it finishes (or with the process).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.waiting.splice(0)) this.settle(job, new StorageUnavailableError('the database is closing'));
    const idle: Promise<number>[] = [];
    for (const slot of this.slots) {
      if (slot.job) {
        this.settle(slot.job, new StorageUnavailableError('the database is closing'));
        slot.job = undefined;
        this.abandon(slot.worker);
      } else {
        idle.push(slot.worker.terminate());
      }
    }
    await Promise.all(idle);
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: this.driver, file: this.file, busyTimeoutMs: 5000 } });
    let opened!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((resolve) => (opened = resolve)) };
    worker.on('message', (answer: WorkerAnswer) => {
      if ('ready' in answer) {
        if (answer.tid !== null) slot.tid = answer.tid;
        // Held until now so that waiting for readiness keeps the process alive; idle from here on.
        if (!slot.job) worker.unref();
        return opened();
      }
      const job = slot.job;
      if (!job || job.id !== answer.id) return;
      slot.job = undefined;
      worker.unref();
      this.counts.executed++;
      if ('rows' in answer) this.settle(job, undefined, answer.rows);
      else this.settle(job, Object.assign(new Error(answer.error.message), answer.error.code ? { code: answer.error.code } : {}));
      this.dispatch();
    });
    // A worker that fails to start or dies (the file cannot be opened, out of memory) is replaced;
    // the read it was running fails as "unavailable", never silently.
    worker.on('error', (error) => this.lost(slot, error));
    worker.on('exit', () => this.lost(slot, undefined));
    // An idle, opened worker does not keep the process alive; one starting up or running a read does.
    return slot;
  }

  private lost(slot: Slot, error: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.stopped) return;
    if (slot.job) this.settle(slot.job, new StorageUnavailableError('a database read worker stopped', { cause: error }));
    slot.job = undefined;
    this.slots[index] = this.spawn();
    this.counts.replaced++;
    this.dispatch();
  }

  /** Reads waiting for a worker, or for abandoned statements to finish. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  private get saturated(): boolean {
    return this.abandoned >= this.slots.length * ABANDONED_PER_WORKER;
  }

  private dispatch(): void {
    if (this.saturated) return;
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.waiting.shift();
      if (!job) return;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, text: job.text, parameters: job.parameters });
    }
  }

  private pastDeadline(job: Job, deadlineMs: number): void {
    job.timer = undefined;
    this.counts.pastDeadline++;
    const waitingAt = this.waiting.indexOf(job);
    if (waitingAt >= 0) this.waiting.splice(waitingAt, 1);
    const slot = this.slots.find((s) => s.job === job);
    if (!slot && this.saturated) {
      this.settle(job, new StorageDeadlineError(`a read waited ${Math.round(deadlineMs)} ms for reads that ran past their deadline to finish, and did not start`));
      return;
    }
    this.settle(job, new StorageDeadlineError(`a read ran past its deadline of ${Math.round(deadlineMs)} ms and was abandoned`));
    if (slot) {
      // Detached first, so its exit is not taken for a failure of the read that replaced it.
      const index = this.slots.indexOf(slot);
      slot.job = undefined;
      this.slots[index] = this.spawn();
      this.counts.replaced++;
      this.abandoned++;
      slot.worker.once('exit', () => {
        this.abandoned--;
        this.dispatch();
      });
      lastInLine(slot.tid);
      this.abandon(slot.worker);
    }
    this.dispatch();
  }

  /** Tells a worker to end once its statement is done, without keeping the process alive for it. */
  private abandon(worker: Worker): void {
    worker.unref();
    void worker.terminate();
  }

  private settle(job: Job, error: unknown, rows?: unknown[]): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    if (error === undefined) job.resolve(rows ?? []);
    else job.reject(error);
  }
}

/** Puts an abandoned worker's thread last in the scheduler (nice 19) where the platform names threads (Linux). */
function lastInLine(tid: number | undefined): void {
  if (tid === undefined) return;
  try {
    setPriority(tid, 19);
  } catch {
    // The thread may have just ended; nothing to lower then.
  }
}
