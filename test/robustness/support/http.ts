/**
 * A SCIM client over real TCP that classifies every request's fate, so a suite can assert that
 * none hung and none got half an answer: a complete response, a clean refusal (connection refused
 * or closed before any byte of a response), a hang (no answer within the timeout), or a truncated
 * response (status line received, body cut off or not the JSON it claimed to be).
 */
import type { JsonObject, JsonValue } from '../../../src/json/json-value.js';

export type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly text: string; readonly body: JsonObject; readonly ms: number }
  | { readonly kind: 'refused'; readonly code: string; readonly ms: number }
  | { readonly kind: 'hang'; readonly ms: number }
  | { readonly kind: 'truncated'; readonly status: number; readonly error: string; readonly ms: number };

export interface CallOptions {
  readonly token?: string;
  readonly body?: JsonValue;
  /** Sent as is (for malformed bodies). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
}

const REFUSED_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function causeCode(error: unknown): string {
  let current: unknown = error;
  for (let i = 0; i < 5 && typeof current === 'object' && current !== null; i++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.name : 'unknown';
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** One request; never throws for network trouble, it reports it. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Outcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const headers: Record<string, string> = { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers };
  let payload: string | undefined = options.rawBody;
  if (payload === undefined && options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/scim+json';
  const signal = AbortSignal.timeout(options.timeoutMs ?? 20_000);
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }), signal });
  } catch (error) {
    if (isTimeout(error)) return { kind: 'hang', ms: ms() };
    const code = causeCode(error);
    if (REFUSED_CODES.has(code)) return { kind: 'refused', code, ms: ms() };
    return { kind: 'refused', code: `other:${code}`, ms: ms() };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (isTimeout(error)) return { kind: 'hang', ms: ms() };
    return { kind: 'truncated', status: response.status, error: causeCode(error), ms: ms() };
  }
  let body: JsonObject = {};
  const type = response.headers.get('content-type') ?? '';
  if (text.length > 0 && /json/.test(type)) {
    try {
      body = JSON.parse(text) as JsonObject;
    } catch {
      return { kind: 'truncated', status: response.status, error: 'body is not the JSON its content-type says', ms: ms() };
    }
  }
  return { kind: 'response', status: response.status, headers: response.headers, text, body, ms: ms() };
}

/** The response, or a thrown error naming what happened instead (for steps that must succeed). */
export async function must(base: string, method: string, path: string, options: CallOptions = {}): Promise<Extract<Outcome, { kind: 'response' }>> {
  const outcome = await call(base, method, path, options);
  if (outcome.kind !== 'response') throw new Error(`${method} ${path}: ${outcome.kind} ${'code' in outcome ? outcome.code : ''}`);
  return outcome;
}

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export function patchBody(operations: JsonValue[]): JsonObject {
  return { schemas: [PATCH_OP], Operations: operations };
}

export function addMembers(ids: readonly string[]): JsonObject {
  return patchBody([{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }]);
}

export function removeMembers(ids: readonly string[]): JsonObject {
  return patchBody(ids.map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` })));
}
