import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { BackgroundCheckpoints } from './sqlite-options.js';

export type { BackgroundCheckpoints } from './sqlite-options.js';

/** What the worker tells the serving thread. */
type CheckpointWorkerMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'pass'; readonly walFrames: number; readonly copiedFrames: number; readonly backfilled: number }
  | { readonly kind: 'stopped' };

/** Pause after a pass that found nothing to copy, and after one that copied pages (writes are arriving). */
const IDLE_MS = 100;
const BUSY_MS = 50;

/**
 * The worker, as the text of a CommonJS script (`eval: true`): the same text runs from dist/ and
 * from the sources under tsx, whose loader does not reach worker threads. It copies committed
 * pages from the WAL back into the database file on a connection of its own. PASSIVE neither
 * waits for nor blocks the serving thread's readers and writer: it copies what it can and returns.
 * After a pass that copied pages it looks again after BUSY_MS (writes are arriving), else after IDLE_MS.
 * The PRAGMA answers the WAL's frames and how many of them are in the file by now, in total.
 * The driver comes as an absolute path: an eval'd script resolves modules from the working
 * directory, which need not be Roster's.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { driver, file, idleMs, busyMs } = workerData;
const Database = require(driver);
const db = new Database(file);
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
let timer;
let stopped = false;
let lastLog = 0;
let lastBackfilled = 0;
function pass() {
  if (stopped) return;
  // SQLITE_BUSY (another checkpoint running) comes back as a row, not an error; anything thrown is
  // a real failure, which ends the worker and hands checkpoints back to the serving connection.
  const result = checkpoint.get();
  const walFrames = result ? result.log : 0;
  const backfilled = result ? result.checkpointed : 0;
  // Both counts start again from 0 when a write rewinds the WAL.
  const copiedFrames = walFrames < lastLog ? backfilled : Math.max(0, backfilled - lastBackfilled);
  lastLog = walFrames;
  lastBackfilled = backfilled;
  parentPort.postMessage({ kind: 'pass', walFrames, copiedFrames, backfilled });
  timer = setTimeout(pass, copiedFrames > 0 ? busyMs : idleMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop' || stopped) return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ kind: 'stopped' });
});
parentPort.postMessage({ kind: 'ready' });
pass();
`;

/** SQLite's own threshold: a committing connection checkpoints once the WAL holds this many frames. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * With the worker running, the serving connection still checkpoints past this many frames (about
 * 40 MB of WAL at 4 KiB pages). It rarely has anything left to copy by then, since the worker has
 * done it, but its checkpoint runs with no write in between, so it can finish and let the next
 * write rewind the WAL: under writes that never pause, the worker's passes can always be a few
 * commits behind, and the WAL would otherwise only grow.
 */
const BOUND_WITH_WORKER = 10_000;

/** How long closing waits for the worker to close its connection before ending it. */
const STOP_WAIT_MS = 5000;

/**
 * Moves WAL checkpoints off the serving thread. A checkpoint copies every page written since the
 * last one back into the database file and syncs both files; SQLite runs it in whichever
 * connection commits past the threshold, which for Roster is the one thread that serves requests,
 * so every thousandth frame or so a commit stalled the event loop on two fsyncs. A worker thread
 * with its own connection now does that work continuously; the serving connection keeps a far
 * higher threshold of its own as a bound, and returns to SQLite's default as soon as the worker
 * stops or fails, so the WAL never grows unchecked.
 */
export function startBackgroundCheckpoints(
  file: string,
  connection: Database.Database,
  /** Where a failure of the worker is reported (the storage layer has no logger of its own). */
  onError?: (error: unknown) => void,
): BackgroundCheckpoints {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, idleMs: IDLE_MS, busyMs: BUSY_MS } });
  // A server that is done must not be kept alive by its checkpointer.
  worker.unref();
  const stats = { passes: 0, copiedFrames: 0, lastWalFrames: 0, lastBackfilled: 0 };
  let running = false;
  let stopping = false;
  let exited = false;
  let closedConnection: () => void = () => {};
  const connectionClosed = new Promise<void>((resolve) => (closedConnection = resolve));

  const handBack = () => {
    if (!running) return;
    running = false;
    connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };

  worker.on('message', (message: CheckpointWorkerMessage) => {
    if (message.kind === 'ready' && !stopping) {
      running = true;
      connection.pragma(`wal_autocheckpoint = ${BOUND_WITH_WORKER}`);
    } else if (message.kind === 'pass') {
      stats.passes++;
      stats.copiedFrames += message.copiedFrames;
      stats.lastWalFrames = message.walFrames;
      stats.lastBackfilled = message.backfilled;
    } else if (message.kind === 'stopped') {
      closedConnection();
    }
  });
  worker.on('error', (error) => {
    handBack();
    onError?.(error);
  });
  worker.on('exit', () => {
    exited = true;
    handBack();
    closedConnection();
  });

  return {
    stats,
    get running() {
      return running;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      handBack();
      if (exited) return;
      worker.postMessage('stop');
      // It closes its connection and says so; then it is ended (its timer would keep it alive). A
      // worker stuck in a pass must not hold up shutdown: after a while it is ended regardless
      // (SQLite's checkpoints are safe to interrupt).
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([connectionClosed, new Promise<void>((resolve) => (waited = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(waited);
      await worker.terminate();
    },
  };
}
