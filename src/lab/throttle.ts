/**
 * Retrying throttled AWS calls. The SDK already retries a throttle a few times within a second or
 * two; some limits are far slower than that (API Gateway's DeleteRestApi allows about one call
 * every 30 s per account), so teardown waits them out with a longer, capped exponential back-off.
 */
import { isAwsSdkError } from './errors.js';

const THROTTLE_CODES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'TooManyRequests',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'ProvisionedThroughputExceededException',
  'LimitExceededException', 'SlowDown', 'PriorRequestNotComplete',
]);

export function isThrottle(e: unknown): boolean {
  if (!isAwsSdkError(e)) return false;
  return THROTTLE_CODES.has(e.name) || e.$metadata.httpStatusCode === 429;
}

/** Seconds from a Retry-After header the SDK kept on the error, when the service sent one. */
function retryAfterMs(e: unknown): number | undefined {
  const headers = (e as { $response?: { headers?: Record<string, string> } }).$response?.headers;
  const v = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const s = v === undefined ? NaN : Number(v);
  return Number.isFinite(s) && s >= 0 ? s * 1000 : undefined;
}

export interface BackoffOptions {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  signal?: AbortSignal;
  /** Give up after this long in total (default 3 minutes: DeleteRestApi needs up to ~1). */
  deadlineMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** What else is worth waiting out (default: throttling only), e.g. a resource still being created. */
  retryable?(e: unknown): boolean;
  /** Told before each wait, e.g. to update a spinner. */
  onWait?(ms: number, attempt: number, error: unknown): void;
}

export async function withThrottleRetry<T>(fn: () => Promise<T>, o: BackoffOptions): Promise<T> {
  const deadline = o.now() + (o.deadlineMs ?? 180_000);
  let delay = o.firstDelayMs ?? 1_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isThrottle(e) && !o.retryable?.(e)) throw e;
      const wait = Math.min(Math.max(retryAfterMs(e) ?? 0, delay), o.maxDelayMs ?? 30_000);
      if (o.now() + wait > deadline) throw e;
      o.onWait?.(wait, attempt, e);
      await o.sleep(wait, o.signal);
      delay = Math.min(delay * 2, o.maxDelayMs ?? 30_000);
    }
  }
}
