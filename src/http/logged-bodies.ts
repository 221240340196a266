import type { JsonValue } from '../json/json-value.js';

/** How much of a request or response body the provisioning log keeps. */
export const REQUEST_LOG_BODY_LIMIT = 16 * 1024;

/**
 * Keys whose values never reach the log: a SCIM body can carry a password (RFC 7643 §4.1.1), and an
 * IdP's custom attributes sometimes carry tokens or secrets. Matched on the key alone, any depth.
 */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|credential|api[-_]?key|authorization/i;

/**
 * A PATCH operation names its target in `path` and carries the value beside it
 * (`{"op":"replace","path":"password","value":…}`), so the key test alone would miss it.
 */
function redact(value: JsonValue, depth: number): JsonValue {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const targetIsSecret = typeof value['path'] === 'string' && SECRET_KEY.test(value['path']);
  const out: { [key: string]: JsonValue } = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key) || (targetIsSecret && key === 'value')) out[key] = '[redacted]';
    else out[key] = redact(v, depth + 1);
  }
  return out;
}

/** The first REQUEST_LOG_BODY_LIMIT characters, marked when cut. */
function cut(text: string): string {
  return text.length <= REQUEST_LOG_BODY_LIMIT ? text : `${text.slice(0, REQUEST_LOG_BODY_LIMIT)}… [cut at 16 KB]`;
}

/** A request body as the log keeps it: secrets redacted, then cut. Null when there was none. */
export function loggedRequestBody(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return cut(body);
  return cut(JSON.stringify(redact(body as JsonValue, 0)));
}

/**
 * A response body as the log keeps it. Roster's answers never hold a password (returned "never")
 * or a token, so the text Roster wrote is only cut, not parsed again: creates are the hot path.
 */
export function loggedResponseBody(text: string | undefined): string | null {
  return text === undefined ? null : cut(text);
}

/** One changed attribute as the log keeps it. */
export interface LoggedChange {
  readonly attribute: string;
  readonly before: JsonValue | null;
  readonly after: JsonValue | null;
}

const DIFF_ATTRIBUTES = 100;
const DIFF_VALUE_CHARS = 1000;

/** A long value as its first characters (a string), so a page of entries stays small. */
function bounded(value: JsonValue | null, secret: boolean): JsonValue | null {
  if (value === null) return null;
  if (secret) return '[redacted]';
  const text = JSON.stringify(value);
  return text.length <= DIFF_VALUE_CHARS ? value : `${text.slice(0, DIFF_VALUE_CHARS)}…`;
}

/** Before and after of each changed attribute, secrets redacted, at most 100 attributes. */
export function loggedDiff(changes: readonly LoggedChange[]): JsonValue[] {
  return changes.slice(0, DIFF_ATTRIBUTES).map((c) => {
    const secret = SECRET_KEY.test(c.attribute);
    return { attribute: c.attribute, before: bounded(c.before, secret), after: bounded(c.after, secret) };
  });
}
