import type { JsonObject } from '../json/json-value.js';
import { DomainError, type DomainErrorKind } from '../provisioning/errors.js';
import { ScimError, type ScimType } from '../scim/errors.js';
import { URN } from '../scim/schemas/urns.js';
import { InvalidCursorError, UnsupportedConditionError } from '../storage/query.js';
import { StorageDeadlineError, StorageFullError, StorageUnavailableError } from '../storage/store.js';

/** An error as the client sees it: status, RFC 7644 §3.12 body and extra headers. */
export interface RenderedError {
  readonly status: number;
  readonly body: JsonObject;
  readonly headers?: Readonly<Record<string, string>>;
  /** True for failures that are Roster's fault (logged at error level). */
  readonly internal: boolean;
}

/**
 * The detail of the error each request was answered with, kept for the provisioning log (which
 * never logs bodies otherwise). Set where errors become responses, so no per-request hook has to
 * look at every payload; a request answered without an error has none.
 */
const answeredDetails = new WeakMap<object, string>();

export function noteAnsweredDetail(request: object, body: JsonObject): void {
  const detail = body['detail'];
  if (typeof detail === 'string') answeredDetails.set(request, detail.slice(0, 2000));
}

export function answeredDetail(request: object): string | undefined {
  return answeredDetails.get(request);
}

/** The one mapping from domain failures to HTTP statuses and SCIM error types. */
const DOMAIN_STATUS: Record<DomainErrorKind, { status: number; scimType?: ScimType }> = {
  notFound: { status: 404 },
  uniqueness: { status: 409, scimType: 'uniqueness' },
  preconditionFailed: { status: 412 },
  invalidValue: { status: 400, scimType: 'invalidValue' },
  provisioningDisabled: { status: 403 },
  tenantMode: { status: 409 },
  unavailable: { status: 503 },
};

/** Fastify's own client errors, by code. */
const FRAMEWORK_ERRORS: Record<string, { status: number; scimType?: ScimType; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, detail: 'the request body is larger than this server accepts' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    detail: 'send the body as application/scim+json or application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, scimType: 'invalidSyntax', detail: 'the request body is empty; a JSON object was expected' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, scimType: 'invalidSyntax', detail: 'Content-Length does not match the body' },
};

export function scimErrorBody(status: number, detail: string, scimType?: ScimType): JsonObject {
  const body: JsonObject = { schemas: [URN.error], status: String(status) };
  if (scimType) body['scimType'] = scimType;
  body['detail'] = detail;
  return body;
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Renders any thrown value as a SCIM error. Nothing a client can send ends as a 5xx. */
export function renderError(error: unknown): RenderedError {
  if (error instanceof ScimError) {
    return { status: error.status, body: scimErrorBody(error.status, error.detail, error.scimType), internal: false };
  }
  if (error instanceof DomainError) {
    const { status, scimType } = DOMAIN_STATUS[error.kind];
    return { status, body: scimErrorBody(status, error.message, scimType), internal: false };
  }
  if (error instanceof UnsupportedConditionError) {
    return { status: 400, body: scimErrorBody(400, error.message, 'invalidFilter'), internal: false };
  }
  if (error instanceof InvalidCursorError) {
    return { status: 400, body: scimErrorBody(400, error.message, 'invalidCursor'), internal: false };
  }
  if (error instanceof StorageDeadlineError) {
    // Not the client's fault for certain (a busy database makes any statement slow), so not a 400;
    // but the usual cause is a read that must examine too much, hence the advice.
    return {
      status: 503,
      body: scimErrorBody(
        503,
        'the request took longer than the database allows (READ_DEADLINE_MS for filtered lists, searches and counts; DB_STATEMENT_TIMEOUT_MS for anything else) and was cancelled; nothing was changed. Narrow the filter (an eq on userName, externalId or an email finds people by index) or ask for smaller pages, then retry',
      ),
      headers: { 'retry-after': '5' },
      internal: false,
    };
  }
  if (error instanceof StorageFullError) {
    // The operator's to fix (hence logged as an error), and the client's to retry: an IdP that gets
    // 503 with Retry-After tries again later, where a 500 may count the change as failed for good.
    return {
      status: 503,
      body: scimErrorBody(503, 'the database has no space left to write; nothing was changed. Retry later'),
      headers: { 'retry-after': '30' },
      internal: true,
    };
  }
  if (error instanceof StorageUnavailableError) {
    return {
      status: 503,
      body: scimErrorBody(503, 'the database is unavailable; retry shortly'),
      headers: { 'retry-after': '5' },
      internal: true,
    };
  }
  const framework = FRAMEWORK_ERRORS[codeOf(error) ?? ''];
  if (framework) {
    return { status: framework.status, body: scimErrorBody(framework.status, framework.detail, framework.scimType), internal: false };
  }
  const statusCode = typeof error === 'object' && error !== null ? (error as { statusCode?: unknown }).statusCode : undefined;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const message = error instanceof Error ? error.message : 'bad request';
    return { status: statusCode, body: scimErrorBody(statusCode, message), internal: false };
  }
  return { status: 500, body: scimErrorBody(500, 'internal error; the request was not applied'), internal: true };
}
