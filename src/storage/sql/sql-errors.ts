import { StorageDeadlineError, StorageUnavailableError } from '../store.js';

/** A unique-constraint violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL SQLSTATE classes and socket errors that mean "the database is not there right now". */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);

/**
 * Maps connection-level failures to StorageUnavailableError and statements cancelled at their
 * deadline (SQLSTATE 57014, query_canceled) to StorageDeadlineError; other errors pass through unchanged.
 */
export function classifyStorageError(error: unknown): unknown {
  if (error instanceof StorageUnavailableError || error instanceof StorageDeadlineError) return error;
  if (typeof error !== 'object' || error === null) return error;
  const code = (error as { code?: unknown }).code;
  if (code === '57014') return new StorageDeadlineError('a statement ran past the database deadline and was cancelled', { cause: error });
  const message = error instanceof Error ? error.message : '';
  const unavailable =
    (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|SQLITE_BUSY/i.test(message);
  return unavailable ? new StorageUnavailableError('the database is unavailable', { cause: error }) : error;
}
