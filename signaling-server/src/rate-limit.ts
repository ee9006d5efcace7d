/**
 * Per-connection message rate limit: a token bucket for throttling, and a
 * count of refusals in a sliding window for telling a burst (throttled) from a
 * flood (disconnected).
 *
 * Written here rather than taken from a library because it is a dozen lines,
 * synchronous (no promise per message on the relay's hot path) and holds four
 * numbers in the connection's own record; the rate-limiting libraries on npm are keyed,
 * asynchronous stores built for HTTP requests.
 */
export interface RateLimitOptions {
  /** Sustained messages per second. */
  rate: number;
  /** Bucket size: how many messages may arrive at once. */
  burst: number;
  /** Refused messages within `windowMs` after which the connection is dropped. */
  disconnectAfter: number;
  windowMs: number;
}

export type Verdict = 'ok' | 'throttled' | 'disconnect';

/**
 * A connection's bucket: plain fields, so that a connection's record can be its bucket
 * (one object less per connection: at 10,000 sockets each one counts).
 */
export interface Bucket {
  tokens: number;
  /** When tokens were last counted (ms, monotonic). */
  last: number;
  /** Refusals since windowStart. */
  refused: number;
  windowStart: number;
}

/**
 * Takes one message's token from `bucket` at `now` (ms, monotonic: performance.now()): let
 * through, throttled, or a flood. A new bucket is full: tokens = burst, last = windowStart = now.
 */
export function take(bucket: Bucket, options: RateLimitOptions, now: number): Verdict {
  const { rate, burst, disconnectAfter, windowMs } = options;
  bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.last) / 1000) * rate);
  bucket.last = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 'ok';
  }
  if (now - bucket.windowStart > windowMs) {
    bucket.windowStart = now;
    bucket.refused = 0;
  }
  return ++bucket.refused > disconnectAfter ? 'disconnect' : 'throttled';
}
