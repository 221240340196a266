import { StorageDeadlineError, StorageFullError, StorageUnavailableError } from '../store.js';

/** A unique-constraint violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL SQLSTATE classes and socket errors that mean "the database is not there right now". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);

/**
 * Maps connection-level failures to StorageUnavailableError, statements cancelled at their
 * deadline (SQLSTATE 57014, query_canceled) to StorageDeadlineError and a full disk to
 * StorageFullError; other errors pass through unchanged.
 */
export function classifyStorageError(error: unknown): unknown {
  if (error instanceof StorageUnavailableError || error instanceof StorageDeadlineError || error instanceof StorageFullError) return error;
  if (typeof error !== 'object' || error === null) return error;
  const code = (error as { code?: unknown }).code;
  // SQLite reports a full disk (ENOSPC on the file or its WAL) and max_page_count alike as SQLITE_FULL.
  if (code === 'SQLITE_FULL' || code === '53100') return new StorageFullError('the database has no space left to write', { cause: error });
  if (code === '57014') return new StorageDeadlineError('a statement ran past the database deadline and was cancelled', { cause: error });
  const message = error instanceof Error ? error.message : '';
  const unavailable =
    (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|SQLITE_BUSY/i.test(message);
  return unavailable ? new StorageUnavailableError('the database is unavailable', { cause: error }) : error;
}
