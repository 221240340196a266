import { randomFillSync } from 'node:crypto';
import type { Store } from '../storage/store.js';

/** What every use case may depend on: storage, the clock and id generation (faked in tests). */
export interface ProvisioningRuntime {
  readonly store: Store;
  readonly now: () => number;
  readonly newId: () => string;
}

/**
 * A UUID version 7 (RFC 9562): time-ordered, so ordering by id is ordering by creation and
 * index pages stay stable while people are added.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  randomTail(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Random bytes drawn from a pool filled 4 KiB at a time: one call into the CSPRNG per 409 ids
// instead of one per id (that call was a visible share of a request's CPU).
const POOL_BYTES = 4096;
const ID_RANDOM_BYTES = 10;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** Fills bytes 6..15 of an id with fresh random bytes; no byte of the pool is used twice. */
function randomTail(bytes: Buffer): void {
  if (poolOffset + ID_RANDOM_BYTES > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(bytes, 6, poolOffset, poolOffset + ID_RANDOM_BYTES);
  poolOffset += ID_RANDOM_BYTES;
}
