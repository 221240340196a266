import type { RosterEvent } from './event-types.js';
import { parseEvent } from './parse-event.js';
import { checkSignature, SIGNATURE_HEADER } from './roster-signature.js';
import { checkStandardSignature, STANDARD_ID_HEADER, STANDARD_SIGNATURE_HEADER, STANDARD_TIMESTAMP_HEADER } from './standard-webhooks.js';
import { WebhookVerificationError } from './verification-error.js';

/** Five minutes: enough for clock skew and a slow network, too little to replay a captured request later. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Request headers as Node's http module (or any plain object) gives them. */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookOptions {
  /** The request body exactly as received (bytes or text), before any JSON parsing. */
  readonly body: string | Uint8Array;
  /**
   * All request headers (`req.headers`): the Roster-Signature is checked when present, otherwise
   * the Standard Webhooks headers. Give this or `header`.
   */
  readonly headers?: HeaderBag;
  /** Only the `Roster-Signature` header (Node gives it as `req.headers['roster-signature']`). */
  readonly header?: string | readonly string[] | undefined | null;
  /** The endpoint's signing secret(s): pass the new and the old one while you rotate. */
  readonly secrets: string | readonly string[];
  /** How far the signed timestamp may be from now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** The current time in ms (default Date.now()), for tests. */
  readonly nowMs?: number;
}

/** One header's single value; a header sent twice is refused (which one was signed?). */
function single(name: string, value: string | readonly string[] | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.length > 1) throw new WebhookVerificationError('malformed_signature', `more than one ${name} header`);
  return value[0];
}

/** A header by name, whatever its case (a fetch `Headers` can be passed as `Object.fromEntries(headers)`). */
function lookup(headers: HeaderBag, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : single(name, headers[key]);
}

/**
 * Checks a request's signature and parses its body into a typed event. Either scheme Roster sends
 * is accepted: `Roster-Signature` (HMAC-SHA256 over `${t}.${body}`) or Standard Webhooks. Throws
 * WebhookVerificationError with a `code` when anything is wrong; answer such requests with 400
 * and do not act on them.
 */
export function verifyWebhook(options: VerifyWebhookOptions): RosterEvent {
  const secrets = (typeof options.secrets === 'string' ? [options.secrets] : [...options.secrets]).filter((s) => s.length > 0);
  if (secrets.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const { headers } = options;
  const rosterHeader = headers ? lookup(headers, SIGNATURE_HEADER) : single(SIGNATURE_HEADER, options.header);
  if (headers && rosterHeader === undefined && lookup(headers, STANDARD_SIGNATURE_HEADER) !== undefined) {
    checkStandardSignature({
      body: options.body,
      id: lookup(headers, STANDARD_ID_HEADER),
      timestamp: lookup(headers, STANDARD_TIMESTAMP_HEADER),
      signature: lookup(headers, STANDARD_SIGNATURE_HEADER),
      secrets,
      toleranceSeconds,
      nowSeconds,
    });
  } else {
    checkSignature({ body: options.body, header: rosterHeader, secrets, toleranceSeconds, nowSeconds });
  }
  return parseEvent(options.body);
}
