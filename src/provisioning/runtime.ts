import { randomBytes } from 'node:crypto';
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
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
