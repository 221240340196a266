// The token bucket lives with the other rate counters in storage (rate-counters.ts); re-exported
// for the HTTP layer's own in-process uses.
export { RateLimiter } from '../storage/token-bucket.js';
