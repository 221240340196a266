import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './verification-error.js';

/** Header names of a webhook request in Roster's own scheme. */
export const SIGNATURE_HEADER = 'Roster-Signature';
export const EVENT_ID_HEADER = 'Roster-Event-Id';
export const EVENT_TYPE_HEADER = 'Roster-Event-Type';
export const ATTEMPT_HEADER = 'Roster-Delivery-Attempt';

/** HMAC-SHA256 over `${timestamp}.${body}` keyed with the whole secret string (hex): the timestamp is signed so an old request cannot be replayed. */
export function computeSignature(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampSeconds}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/** `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`: one v1 per live secret (more than one during a rotation's overlap). */
export function signatureHeader(secrets: readonly string[], timestampSeconds: number, body: string | Uint8Array): string {
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${computeSignature(s, timestampSeconds, body)}`)].join(',');
}

/** Splits a `Roster-Signature` header; throws when it is missing or malformed. */
export function parseSignatureHeader(header: string | undefined | null): { timestamp: number; signatures: string[] } {
  if (!header || header.trim() === '') throw new WebhookVerificationError('missing_signature', `no ${SIGNATURE_HEADER} header`);
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError('malformed_signature', `${SIGNATURE_HEADER} must read t=<unix seconds>,v1=<hex>`);
  }
  return { timestamp, signatures };
}

/** Throws unless `timestamp` is within `toleranceSeconds` of `nowSeconds`. */
export function checkTimestamp(timestamp: number, nowSeconds: number, toleranceSeconds: number): void {
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_out_of_tolerance', `the signature's timestamp is more than ${toleranceSeconds} s from now`);
  }
}

/** Constant-time comparison of two byte strings of any length. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks a `Roster-Signature` header against a body: the timestamp within `toleranceSeconds` of
 * `nowSeconds` and at least one v1 made with one of `secrets`, compared in constant time.
 */
export function checkSignature(options: {
  body: string | Uint8Array;
  header: string | undefined | null;
  secrets: readonly string[];
  toleranceSeconds: number;
  nowSeconds: number;
}): void {
  const { timestamp, signatures } = parseSignatureHeader(options.header);
  checkTimestamp(timestamp, options.nowSeconds, options.toleranceSeconds);
  const presented = signatures.map((s) => hexBytes(s));
  for (const secret of options.secrets) {
    const expected = hexBytes(computeSignature(secret, timestamp, options.body));
    if (presented.some((p) => sameBytes(p, expected))) return;
  }
  throw new WebhookVerificationError('signature_mismatch', 'no signature matches the body with the given secret(s)');
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
