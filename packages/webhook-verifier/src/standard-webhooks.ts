import { createHmac } from 'node:crypto';
import { checkTimestamp, sameBytes } from './roster-signature.js';
import { WebhookVerificationError } from './verification-error.js';

/**
 * The Standard Webhooks scheme (https://www.standardwebhooks.com/): `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64>` (space-separated, one per secret), the
 * signature an HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed with the bytes the secret's
 * base64 (after `whsec_`) stands for. Roster sends these beside its own Roster-Signature, so
 * receivers may use any Standard Webhooks library, in any language.
 */
export const STANDARD_ID_HEADER = 'webhook-id';
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp';
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';

const PREFIX = 'whsec_';

/** The HMAC key a `whsec_<base64>` secret stands for (base64url is read too: secrets made before Roster 0.2 use it). */
export function standardKey(secret: string): Uint8Array {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw new TypeError('a Standard Webhooks secret is whsec_ followed by base64');
  const standard = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** base64 of HMAC-SHA256(key, `${id}.${timestamp}.${body}`). */
export function computeStandardSignature(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', standardKey(secret));
  hmac.update(`${id}.${timestampSeconds}.`);
  hmac.update(body);
  return hmac.digest('base64');
}

/** The three Standard Webhooks headers of one request, signed with every live secret. */
export function standardHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string | Uint8Array): Record<string, string> {
  return {
    [STANDARD_ID_HEADER]: id,
    [STANDARD_TIMESTAMP_HEADER]: String(timestampSeconds),
    [STANDARD_SIGNATURE_HEADER]: secrets.map((s) => `v1,${computeStandardSignature(s, id, timestampSeconds, body)}`).join(' '),
  };
}

/** Checks the Standard Webhooks headers against a body; throws WebhookVerificationError when they do not hold. */
export function checkStandardSignature(options: {
  body: string | Uint8Array;
  id: string | undefined | null;
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  secrets: readonly string[];
  toleranceSeconds: number;
  nowSeconds: number;
}): void {
  const { id, timestamp, signature } = options;
  if (!id || !timestamp || !signature)
    throw new WebhookVerificationError('missing_signature', `${STANDARD_ID_HEADER}, ${STANDARD_TIMESTAMP_HEADER} and ${STANDARD_SIGNATURE_HEADER} are all needed`);
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('malformed_signature', `${STANDARD_TIMESTAMP_HEADER} must be unix seconds`);
  const seconds = Number(timestamp);
  checkTimestamp(seconds, options.nowSeconds, options.toleranceSeconds);
  const presented: Uint8Array[] = [];
  for (const part of signature.split(' ')) {
    const comma = part.indexOf(',');
    if (comma < 0 || part.slice(0, comma) !== 'v1') continue;
    const value = part.slice(comma + 1);
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(value)) presented.push(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
  }
  if (presented.length === 0) throw new WebhookVerificationError('malformed_signature', `${STANDARD_SIGNATURE_HEADER} must read v1,<base64>`);
  for (const secret of options.secrets) {
    const expected = Uint8Array.from(atob(computeStandardSignature(secret, id, seconds, options.body)), (c) => c.charCodeAt(0));
    if (presented.some((p) => sameBytes(p, expected))) return;
  }
  throw new WebhookVerificationError('signature_mismatch', 'no signature matches the body with the given secret(s)');
}
