import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './parse-event.js';

/** Header names of a webhook request. */
export const SIGNATURE_HEADER = 'Roster-Signature';
export const EVENT_ID_HEADER = 'Roster-Event-Id';
export const EVENT_TYPE_HEADER = 'Roster-Event-Type';
export const ATTEMPT_HEADER = 'Roster-Delivery-Attempt';

/** Recognisable prefix of an endpoint's signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A signing secret: 256 bits from the operating system's CSPRNG. The whole string is the HMAC key. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** HMAC-SHA256 over `${timestamp}.${body}` (hex): the timestamp is signed so an old request cannot be replayed. */
export function computeSignature(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampSeconds}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/** `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`: one v1 per live secret (two during a rotation's overlap). */
export function signatureHeader(secrets: readonly string[], timestampSeconds: number, body: string): string {
  return [`t=${timestampSeconds}`, ...secrets.map((s) => `v1=${computeSignature(s, timestampSeconds, body)}`)].join(',');
}

/** Splits a signature header; throws when it is missing or malformed. */
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

/**
 * Checks a signature header against a body: the timestamp within `toleranceSeconds` of `nowSeconds`
 * and at least one v1 made with one of `secrets`, compared in constant time.
 */
export function checkSignature(options: {
  body: string | Uint8Array;
  header: string | undefined | null;
  secrets: readonly string[];
  toleranceSeconds: number;
  nowSeconds: number;
}): void {
  const { timestamp, signatures } = parseSignatureHeader(options.header);
  if (Math.abs(options.nowSeconds - timestamp) > options.toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_out_of_tolerance', `the signature's timestamp is more than ${options.toleranceSeconds} s from now`);
  }
  const presented = signatures.map((s) => Buffer.from(s, 'hex'));
  for (const secret of options.secrets) {
    const expected = Buffer.from(computeSignature(secret, timestamp, options.body), 'hex');
    if (presented.some((p) => p.length === expected.length && timingSafeEqual(p, expected))) return;
  }
  throw new WebhookVerificationError('signature_mismatch', 'no signature matches the body with the given secret(s)');
}
