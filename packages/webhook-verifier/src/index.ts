/**
 * For receivers of Roster's webhooks: verify a request's signature and get a typed event. No
 * dependencies; installing it does not install (or compile) the server.
 *
 * ```ts
 * import { verifyWebhook } from 'roster-scim-webhooks';
 * const event = verifyWebhook({ body: rawBody, headers: req.headers, secrets: [process.env.ROSTER_WEBHOOK_SECRET] });
 * if (event.type === 'user.deactivated') revokeSessions(event.data.user.id);
 * ```
 */
export type {
  AttributeChange,
  EventPayloads,
  EventType,
  FolderRef,
  GroupRef,
  JsonObject,
  JsonValue,
  PersonRef,
  RosterEvent,
  RosterEventOf,
  ValueFlag,
  ValueRule,
} from './event-types.js';
export { EVENT_TYPES } from './event-types.js';
export { parseEvent } from './parse-event.js';
export {
  ATTEMPT_HEADER,
  checkSignature,
  computeSignature,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  parseSignatureHeader,
  SIGNATURE_HEADER,
  signatureHeader,
} from './roster-signature.js';
export {
  checkStandardSignature,
  computeStandardSignature,
  STANDARD_ID_HEADER,
  STANDARD_SIGNATURE_HEADER,
  STANDARD_TIMESTAMP_HEADER,
  standardHeaders,
  standardKey,
} from './standard-webhooks.js';
export { WebhookVerificationError } from './verification-error.js';
export { DEFAULT_TOLERANCE_SECONDS, verifyWebhook, type HeaderBag, type VerifyWebhookOptions } from './verify-webhook.js';
