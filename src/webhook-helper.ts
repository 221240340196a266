/**
 * For receivers of Roster's webhooks: verify a request's signature and get a typed event.
 *
 * ```ts
 * const event = verifyWebhook({ body: rawBody, header: req.headers['roster-signature'], secrets: [process.env.ROSTER_WEBHOOK_SECRET] });
 * if (event.type === 'user.deactivated') revokeSessions(event.data.user.id);
 * ```
 */
import type { RosterEvent } from './events/event-types.js';
import { parseEvent, WebhookVerificationError } from './events/parse-event.js';
import { checkSignature, SIGNATURE_HEADER } from './events/webhook-signature.js';

export type { AttributeChange, EventPayloads, EventType, FolderRef, GroupRef, PersonRef, RosterEvent, RosterEventOf, ValueFlag, ValueRule } from './events/event-types.js';
export { EVENT_TYPES } from './events/event-types.js';
export { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER } from './events/webhook-signature.js';
export { parseEvent, WebhookVerificationError };

/** Five minutes: enough for clock skew and a slow network, too little to replay a captured request later. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyWebhookOptions {
  /** The request body exactly as received (bytes or text), before any JSON parsing. */
  readonly body: string | Uint8Array;
  /** The `Roster-Signature` header (Node gives it as `req.headers['roster-signature']`). */
  readonly header: string | readonly string[] | undefined | null;
  /** The endpoint's signing secret(s): pass the new and the old one while you rotate. */
  readonly secrets: string | readonly string[];
  /** How far the signed timestamp may be from now, in seconds (default 300). */
  readonly toleranceSeconds?: number;
  /** The current time in ms (default Date.now()), for tests. */
  readonly nowMs?: number;
}

/**
 * Checks `Roster-Signature` (HMAC-SHA256 over `${t}.${body}`, constant-time compare, timestamp
 * within tolerance) and parses the body into a typed event. Throws WebhookVerificationError with
 * a `code` when anything is wrong; answer such requests with 400 and do not act on them.
 */
export function verifyWebhook(options: VerifyWebhookOptions): RosterEvent {
  const secrets = (typeof options.secrets === 'string' ? [options.secrets] : [...options.secrets]).filter((s) => s.length > 0);
  if (secrets.length === 0) throw new TypeError('verifyWebhook needs at least one secret');
  const header = Array.isArray(options.header) ? options.header[0] : options.header;
  if (Array.isArray(options.header) && options.header.length > 1) {
    throw new WebhookVerificationError('malformed_signature', `more than one ${SIGNATURE_HEADER} header`);
  }
  checkSignature({
    body: options.body,
    header: typeof header === 'string' ? header : undefined,
    secrets,
    toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    nowSeconds: Math.floor((options.nowMs ?? Date.now()) / 1000),
  });
  return parseEvent(options.body);
}
