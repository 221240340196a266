/** Size limits shared by the filter and PATCH path parsers. */

/** Defaults: well above real client filters, low enough that parsing cost stays trivial. */
export const DEFAULT_FILTER_LIMITS = { maxLength: 4096, maxDepth: 32 } as const;

/** Hard ceiling for `maxDepth`: each level costs a few stack frames, and this stays far from Node's limit. */
export const MAX_FILTER_DEPTH_CEILING = 1000;

/** Resolved limits; throws RangeError for a misconfiguration (a programming error, not a client one). */
export function resolveLimits(limits: { maxLength?: number; maxDepth?: number }): {
  maxLength: number;
  maxDepth: number;
} {
  const maxLength = limits.maxLength ?? DEFAULT_FILTER_LIMITS.maxLength;
  const maxDepth = limits.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  }
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_FILTER_DEPTH_CEILING) {
    throw new RangeError(`maxDepth must be an integer from 1 to ${MAX_FILTER_DEPTH_CEILING}, got ${maxDepth}`);
  }
  return { maxLength, maxDepth };
}
