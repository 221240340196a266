import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefixes: a token found in a log or a paste says at once what it is. */
export const BEARER_PREFIX = 'rst_';
export const BASIC_KEY_PREFIX = 'rsk_';

const ID_HEX = 16;
const SECRET_CHARS = 43; // 32 random bytes (256 bits) in base64url

export function newCredentialId(): string {
  return randomBytes(ID_HEX / 2).toString('hex');
}

/** 256 bits from the operating system's CSPRNG. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 is enough for 256-bit random secrets (no dictionary to attack); only this is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export function formatBearerToken(id: string, secret: string): string {
  return `${BEARER_PREFIX}${id}${secret}`;
}

const BEARER_SHAPE = new RegExp(`^${BEARER_PREFIX}([0-9a-f]{${ID_HEX}})([A-Za-z0-9_-]{${SECRET_CHARS}})$`);
const BASIC_KEY_SHAPE = new RegExp(`^${BASIC_KEY_PREFIX}([0-9a-f]{${ID_HEX}})$`);

/** Splits a bearer token into credential id and secret; undefined when it is not one of ours. */
export function parseBearerToken(token: string): { id: string; secret: string } | undefined {
  const match = BEARER_SHAPE.exec(token);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
}

export function formatBasicKey(id: string): string {
  return `${BASIC_KEY_PREFIX}${id}`;
}

export function parseBasicKey(key: string): string | undefined {
  return BASIC_KEY_SHAPE.exec(key)?.[1];
}
