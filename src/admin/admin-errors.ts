import { ApiError } from '../http/api-error.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from '../http/error-response.js';
import { DomainError } from '../provisioning/errors.js';

/** A failure of the admin API, with the status and a message safe to show an admin. */
export class AdminApiError extends ApiError {}

export const signInRequired = () => new AdminApiError(401, 'signInRequired', 'sign in first (your session is missing or has expired)');
export const outsideSetupScope = () =>
  new AdminApiError(403, 'outsideSetupScope', "this session was opened with a setup link: it may do this tenant's provisioning setup and nothing else");
export const csrfRejected = () =>
  new AdminApiError(403, 'csrf', "this request did not carry the session's X-CSRF-Token header (or came from another origin); reload the console");

/**
 * The admin API's one error body: `{ "error": { "status", "code", "message" } }`. Statuses come
 * from the same mapping the SCIM and host APIs use (renderError); only the body's shape differs.
 */
function render(error: unknown): { status: number; code: string; message: string; headers: Record<string, string>; internal: boolean } {
  if (error instanceof AdminApiError) return { status: error.status, code: error.code, message: error.message, headers: { ...error.headers }, internal: false };
  const rendered = renderError(error);
  const detail = rendered.body['detail'];
  const code = error instanceof DomainError ? error.kind : rendered.status === 503 ? 'unavailable' : rendered.status >= 500 ? 'internal' : 'badRequest';
  const message = rendered.status === 500 || typeof detail !== 'string' ? 'internal error; nothing was changed' : detail;
  return { status: rendered.status, code, message, headers: { ...rendered.headers }, internal: rendered.internal };
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
