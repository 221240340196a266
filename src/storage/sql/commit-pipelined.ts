/**
 * Statements of a PostgreSQL write transaction whose answer nothing reads and that come last
 * before the commit (the outbox's event insert): they may be sent without waiting for their
 * answer and be answered together with the commit, one network round trip for both.
 * See dialects/postgres-pipeline.ts, which keeps every such statement's failure a failure of the
 * transaction.
 *
 * A statement is named here by its exact text (texts never hold values, which are parameters).
 */
const answeredAtCommit = new Set<string>();

/** Marks `text` as answered at commit; returns it, so a constant can be declared through this. */
export function answeredWithCommit(text: string): string {
  answeredAtCommit.add(text);
  return text;
}

export function isAnsweredWithCommit(text: string): boolean {
  return answeredAtCommit.has(text);
}

/**
 * Statements inside a transaction whose answer nothing reads and that fail only when the
 * transaction itself is broken (a savepoint, a transaction-local setting): they may be sent without
 * waiting and be answered together with the statement after them, which then fails if they did.
 */
const sentAheadTexts = new Set<string>();

/** Marks `text` as sent ahead of the next statement; returns it, like `answeredWithCommit`. */
export function sentAhead(text: string): string {
  sentAheadTexts.add(text);
  return text;
}

export function isSentAhead(text: string): boolean {
  return sentAheadTexts.has(text);
}
