import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { take, type Bucket, type RateLimitOptions, type Verdict } from '../../signaling-server/src/rate-limit.js';

/** A bucket on a clock the test moves by hand (ms). */
function limiter(options: RateLimitOptions) {
  let now = 1_000;
  const bucket: Bucket = { tokens: options.burst, last: now, refused: 0, windowStart: now };
  return {
    take: (n = 1): Verdict[] => Array.from({ length: n }, () => take(bucket, options, now)),
    advance: (ms: number) => (now += ms),
  };
}

const count = (vs: Verdict[], v: Verdict) => vs.filter((x) => x === v).length;

describe('the message rate limit (token bucket)', () => {
  test('a full bucket lets a burst through, then throttles', () => {
    const l = limiter({ rate: 10, burst: 5, disconnectAfter: 100, windowMs: 10_000 });
    assert.deepEqual(l.take(5), ['ok', 'ok', 'ok', 'ok', 'ok']);
    assert.deepEqual(l.take(3), ['throttled', 'throttled', 'throttled']);
  });

  test('tokens refill at `rate` per second, up to `burst`', () => {
    const l = limiter({ rate: 10, burst: 5, disconnectAfter: 100, windowMs: 10_000 });
    l.take(5);
    l.advance(100); // 0.1 s at 10/s: one token
    assert.deepEqual(l.take(2), ['ok', 'throttled']);
    l.advance(250); // 2.5 tokens: two whole ones
    assert.deepEqual(l.take(3), ['ok', 'ok', 'throttled']);
    l.advance(50); // the half token left over plus half a token: one more
    assert.deepEqual(l.take(2), ['ok', 'throttled']);
    l.advance(60_000); // a long pause fills the bucket, no more
    assert.equal(count(l.take(8), 'ok'), 5);
  });

  test('a sustained flow at `rate` is never throttled', () => {
    const l = limiter({ rate: 20, burst: 1, disconnectAfter: 1, windowMs: 1_000 });
    for (let i = 0; i < 200; i++) {
      assert.equal(l.take()[0], 'ok', `message ${i}`);
      l.advance(50);
    }
  });

  test("more than `disconnectAfter` refusals within `windowMs` is 'disconnect'", () => {
    const l = limiter({ rate: 1, burst: 2, disconnectAfter: 3, windowMs: 10_000 });
    assert.deepEqual(l.take(2), ['ok', 'ok']);
    assert.deepEqual(l.take(3), ['throttled', 'throttled', 'throttled']);
    assert.deepEqual(l.take(1), ['disconnect']);
    // Spread over the window, still one flood.
    const m = limiter({ rate: 1, burst: 1, disconnectAfter: 3, windowMs: 10_000 });
    m.take(1);
    const verdicts: Verdict[] = [];
    for (let i = 0; i < 4; i++) {
      m.advance(500); // half a token each time: at most one of the two is let through
      verdicts.push(...m.take(2));
    }
    // The fourth refusal within the window disconnects (and every later one).
    assert.deepEqual(verdicts, ['throttled', 'throttled', 'ok', 'throttled', 'disconnect', 'disconnect', 'ok', 'disconnect']);
  });

  test('refusals older than the window are forgotten', () => {
    const l = limiter({ rate: 1, burst: 1, disconnectAfter: 2, windowMs: 1_000 });
    l.advance(1_001); // the window, which started with the full bucket, is over
    assert.deepEqual(l.take(3), ['ok', 'throttled', 'throttled']);
    l.advance(1_001); // a new window, and one token
    // The refusal count restarts with the window: two more refusals are only throttled.
    assert.deepEqual(l.take(3), ['ok', 'throttled', 'throttled']);
    assert.deepEqual(l.take(1), ['disconnect']);
  });

  test('the window is measured from its start, not from the last refusal', () => {
    const l = limiter({ rate: 0.001, burst: 1, disconnectAfter: 2, windowMs: 1_000 });
    assert.deepEqual(l.take(1), ['ok']);
    assert.deepEqual(l.take(2), ['throttled', 'throttled']); // within the first window
    l.advance(900);
    assert.deepEqual(l.take(1), ['disconnect']); // 900 ms after the window started: same window
    l.advance(200); // 1,100 ms after: a new window
    assert.deepEqual(l.take(2), ['throttled', 'throttled']);
    assert.deepEqual(l.take(1), ['disconnect']);
  });
});
