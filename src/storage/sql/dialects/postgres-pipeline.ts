import type pg from 'pg';
import { isAnsweredWithCommit, isSentAhead } from '../commit-pipelined.js';
import { SocketCork } from './pg-socket-cork.js';

type QueryFunction = (text: unknown, values?: unknown, callback?: unknown) => unknown;
interface QueryResultLike {
  readonly command?: string;
}

/** What a BEGIN, a savepoint or an event insert answers at once, before PostgreSQL has: nothing reads them. */
const BEGUN = Object.freeze({ command: 'BEGIN', rowCount: null, rows: [] });
const SENT_AHEAD = Object.freeze({ command: null, rowCount: null, rows: [] });
const WRITTEN_AT_COMMIT = Object.freeze({ command: null, rowCount: null, rows: [] });

/** A transaction's statement failed though PostgreSQL was asked to commit it; nothing of it is written. */
export class RolledBackAtCommitError extends Error {
  constructor() {
    super('PostgreSQL rolled the transaction back at commit: one of its statements had failed');
  }
}

interface Sent {
  readonly answer: Promise<unknown>;
  readonly text: string;
  /** BEGIN or a statement sent ahead: the next statement waits for its answer. */
  readonly ahead: boolean;
}

const failedEarlier = new WeakSet<object>();
const markedEarlier = (error: unknown): unknown => {
  if (typeof error === 'object' && error !== null) failedEarlier.add(error);
  return error;
};

/**
 * Whether `error`, thrown by a statement of a pipelined transaction, is the failure of a statement
 * sent before it and not yet answered (BEGIN, a statement sent ahead or answered at commit), rather
 * than its own. Group commit uses it to tell one unit's failure from its predecessor's.
 */
export function isEarlierFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && failedEarlier.has(error);
}

/**
 * The edges of a write transaction on a pipelined connection (pg's `pipeline: true`: each query is
 * sent at once, without waiting for the answers of those before it).
 *
 * A create was four round trips (BEGIN; the person; the event; COMMIT), each a socket write that
 * wakes a PostgreSQL backend and then this process. Here BEGIN is sent and answered at once, so it
 * travels with the transaction's first statement; a statement that comes last and whose answer no
 * one reads (commit-pipelined.ts: the event insert) travels with the COMMIT. Two round trips.
 *
 * Nothing is weakened:
 * - The first statement's answer is returned only with BEGIN's: if BEGIN failed, so does it. And
 *   should the statement have run outside a transaction all the same (PostgreSQL idle once it was
 *   answered), the caller is told, never answered as if it ran inside one.
 * - A statement answered at commit that fails aborts the transaction; PostgreSQL then answers the
 *   COMMIT with ROLLBACK and no error, so the commit here throws that statement's error (or
 *   RolledBackAtCommitError). Any other statement after it waits for its answer first.
 * - ROLLBACK discards what was pending: their outcome no longer matters.
 *
 * Inside a transaction, statements marked as sent ahead (commit-pipelined.ts: a group commit's
 * savepoints and its lock timeout) are sent at once and answered with the next statement, as BEGIN
 * is; `rollback to …` discards what was sent after that savepoint, as ROLLBACK does, but first
 * awaits what was sent before it. A failure found this way, of a statement sent before the one that
 * reports it, is marked (`isEarlierFailure`).
 */
export function pipelineTransactionEdges(client: pg.PoolClient): void {
  const query = client.query.bind(client) as QueryFunction;
  const status = () => (client as unknown as { getTransactionStatus?: () => string | null }).getTransactionStatus?.() ?? null;
  /** Statements sent and not yet awaited, in the order they were sent. */
  let pending: Sent[] = [];
  let open = false;
  // A statement that is not waited for is held in the socket until one that is waited for joins
  // it, so that they leave in one write (at the latest at the end of the event-loop turn).
  const cork = new SocketCork();
  const hold = () => cork.hold(client);
  const flush = () => cork.release();
  const sent = (result: unknown, text: string, ahead: boolean): Sent => {
    const answer = result as Promise<unknown>;
    // Awaited later (or deliberately not, after ROLLBACK): never an unhandled rejection meanwhile.
    answer.catch(() => {});
    return { answer, text, ahead };
  };
  /** The first failure among `earlier`, in the order sent, marked as a failure of an earlier statement. */
  const firstFailure = async (earlier: readonly Sent[]): Promise<unknown> => {
    for (const outcome of await Promise.allSettled(earlier.map((p) => p.answer))) {
      if (outcome.status === 'rejected') return markedEarlier(outcome.reason ?? new RolledBackAtCommitError());
    }
    return undefined;
  };

  const run = async (text: string, values: unknown): Promise<unknown> => {
    const plain = values === undefined || (Array.isArray(values) && values.length === 0);
    if (!open && plain && text === 'begin') {
      open = true;
      hold();
      pending = [sent(query(text, values), text, true)];
      return BEGUN;
    }
    if (!open) return query(text, values);
    if (plain && isSentAhead(text)) {
      hold();
      pending.push(sent(query(text, values), text, true));
      return SENT_AHEAD;
    }
    if (plain && text.startsWith('rollback to ')) {
      // What was sent after the savepoint is undone whatever its outcome; what was sent before it
      // (still pending when the savepoint was sent ahead) stands, so its outcome is awaited first.
      const savepoint = `savepoint ${text.slice('rollback to '.length).replace(/^savepoint /, '')}`;
      const at = pending.map((p) => p.text).lastIndexOf(savepoint);
      const before = at < 0 ? [] : pending.slice(0, at);
      pending = [];
      flush();
      const failure = await firstFailure(before);
      if (failure !== undefined) throw failure;
      return query(text, values);
    }
    if (plain && (text === 'commit' || text === 'rollback')) {
      const earlier = pending;
      pending = [];
      open = false;
      const answer = sent(query(text, values), text, false).answer;
      flush();
      if (text === 'rollback') return answer;
      const failure = await firstFailure(earlier);
      const committed = (await answer) as QueryResultLike;
      if (failure !== undefined) throw failure;
      if (committed.command === 'ROLLBACK') throw markedEarlier(new RolledBackAtCommitError());
      return committed;
    }
    const afterAhead = pending.some((p) => p.ahead);
    // Not when it would be the first statement after BEGIN or a savepoint: that one waits for their answers.
    if (!afterAhead && isAnsweredWithCommit(text)) {
      hold();
      pending.push(sent(query(text, values), text, false));
      return WRITTEN_AT_COMMIT;
    }
    const answer = sent(query(text, values), text, false).answer;
    flush();
    const earlier = pending;
    pending = [];
    const failure = await firstFailure(earlier);
    if (failure !== undefined) throw failure;
    const result = await answer;
    if (afterAhead && status() === 'I') throw new Error('a statement meant for a transaction ran outside one (BEGIN had no effect)');
    return result;
  };

  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    // Kysely sends text and values; other shapes (config objects, callbacks) pass through, and
    // only outside a transaction begun here would they meet nothing pending.
    if (typeof text !== 'string' || (callback !== undefined && !open)) return callback === undefined ? query(text, values) : query(text, values, callback);
    const result = run(text, values);
    if (typeof callback === 'function') {
      result.then(
        (r) => (callback as (e: unknown, r?: unknown) => void)(null, r),
        (e: unknown) => (callback as (e: unknown) => void)(e),
      );
      return undefined;
    }
    return result;
  }) as typeof client.query;
}
