import { randomBytes } from 'node:crypto';

/**
 * How deliveries are signed. The schemes themselves (Roster-Signature and Standard Webhooks) live
 * in the roster-scim-webhooks package, which receivers install to verify: one definition for the
 * signing and the checking side.
 */
export { ATTEMPT_HEADER, EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader, standardHeaders } from 'roster-scim-webhooks';

/** Recognisable prefix of an endpoint's signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/**
 * A signing secret: 256 bits from the operating system's CSPRNG, written `whsec_<base64>` as
 * Standard Webhooks libraries expect. Roster-Signature keys its HMAC with the whole string; the
 * Standard Webhooks signature with the 32 bytes the base64 stands for.
 */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
