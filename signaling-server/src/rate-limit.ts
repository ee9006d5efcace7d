/**
 * Per-connection message rate limit: a token bucket for throttling, and a
 * count of refusals in a sliding window for telling a burst (throttled) from a
 * flood (disconnected).
 *
 * Written here rather than taken from a library because it is a dozen lines,
 * synchronous (no promise per message on the relay's hot path) and holds two
 * numbers per connection; the rate-limiting libraries on npm are keyed,
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

export class MessageRateLimiter {
  #tokens: number;
  #last: number;
  #refused = 0;
  #windowStart: number;

  constructor(
    readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#tokens = options.burst;
    this.#last = this.#windowStart = now();
  }

  take(): Verdict {
    const t = this.now();
    const { rate, burst, disconnectAfter, windowMs } = this.options;
    this.#tokens = Math.min(burst, this.#tokens + ((t - this.#last) / 1000) * rate);
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 'ok';
    }
    if (t - this.#windowStart > windowMs) {
      this.#windowStart = t;
      this.#refused = 0;
    }
    return ++this.#refused > disconnectAfter ? 'disconnect' : 'throttled';
  }
}
