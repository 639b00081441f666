/** How the client retries 429s, 5xx answers and network failures. */
export interface RetryPolicy {
  /** Attempts per call, the first included. Default 5. */
  maxAttempts: number;
  /** First back-off for 5xx and network failures; doubles each time, with jitter. Default 500 ms. */
  baseDelayMs: number;
  /** Ceiling of any computed back-off. Default 30 s. */
  maxDelayMs: number;
  /** Back-off after a 429 without `Retry-After` for per-second limits. Default 1 s. */
  qpsBackoffMs: number;
  /** Back-off after a 429 without `Retry-After` for daily (or unknown non-QPS) limits. Default 60 s. */
  dailyBackoffMs: number;
  /**
   * Longest wait the client sleeps for a `Retry-After`. A longer one (a daily limit resetting at
   * midnight UTC) fails at once with `ZoomRateLimitError.retryAt`, for the caller to schedule.
   * Default 60 s.
   */
  maxRetryAfterMs: number;
}

/** Defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  qpsBackoffMs: 1_000,
  dailyBackoffMs: 60_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Back-off before retry number `retry` (1 = first retry) after a 5xx or network failure:
 * exponential from `baseDelayMs`, capped, with "equal jitter" (half fixed, half random) so many
 * clients failing together do not retry in step.
 */
export function serverErrorDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/**
 * Back-off after a 429 that carried no usable `Retry-After`: 1 s (doubling) for per-second limits,
 * longer for daily ones (`x-ratelimit-type` other than QPS), capped at `maxRetryAfterMs`.
 */
export function rateLimitDelayMs(policy: RetryPolicy, retry: number, rateLimitType: string | undefined): number {
  const isQps = rateLimitType === undefined || /qps/i.test(rateLimitType);
  const base = isQps ? policy.qpsBackoffMs : policy.dailyBackoffMs;
  return Math.min(policy.maxRetryAfterMs, base * 2 ** (retry - 1));
}
