import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../provisioning/errors.js';
import { StorageUnavailableError } from '../storage/store.js';

/** A failure of the admin API, with the status and a message safe to show an admin. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export const signInRequired = () => new AdminApiError(401, 'signInRequired', 'sign in first (your session is missing or has expired)');
export const csrfRejected = () =>
  new AdminApiError(403, 'csrf', 'this request did not carry the session\'s X-CSRF-Token header (or came from another origin); reload the console');

const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  notFound: 404,
  uniqueness: 409,
  preconditionFailed: 412,
  invalidValue: 400,
  provisioningDisabled: 403,
  unavailable: 503,
};

/** The admin API's one error body: `{ "error": { "status", "code", "message" } }`. */
function render(error: unknown): { status: number; code: string; message: string; headers: Record<string, string>; internal: boolean } {
  if (error instanceof AdminApiError) return { status: error.status, code: error.code, message: error.message, headers: { ...error.headers }, internal: false };
  if (error instanceof DomainError) return { status: DOMAIN_STATUS[error.kind], code: error.kind, message: error.message, headers: {}, internal: false };
  if (error instanceof StorageUnavailableError) {
    return { status: 503, code: 'unavailable', message: 'the database is unavailable; retry shortly', headers: { 'retry-after': '5' }, internal: true };
  }
  // Framework errors (body too large, bad media type, malformed JSON from the shared parser).
  const candidate = error as Partial<FastifyError> & { status?: unknown; detail?: unknown };
  const status = typeof candidate.statusCode === 'number' ? candidate.statusCode : typeof candidate.status === 'number' ? candidate.status : 500;
  if (status >= 400 && status < 500) {
    const message = typeof candidate.detail === 'string' ? candidate.detail : typeof candidate.message === 'string' ? candidate.message : 'bad request';
    return { status, code: 'badRequest', message, headers: {}, internal: false };
  }
  return { status: 500, code: 'internal', message: 'internal error; nothing was changed', headers: {}, internal: true };
}

export function sendAdminError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const rendered = render(error);
  if (rendered.internal) request.log.error({ err: error }, 'admin request failed');
  for (const [name, value] of Object.entries(rendered.headers)) reply.header(name, value);
  return reply
    .code(rendered.status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ error: { status: rendered.status, code: rendered.code, message: rendered.message } }));
}
