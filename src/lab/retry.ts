/**
 * Waiting out AWS's eventual consistency and rate limits, always through the injected clock (so tests
 * never sleep for real) and always with a message (so a learner knows why nothing seems to happen).
 * The one place that knows what a throttle looks like and how long the service asked us to wait.
 */
import type { Clock } from './context.js';
import { errorCode } from './aws-errors.js';
import { isAwsSdkError, LabError } from './errors.js';
import { backoff, pollUntil, settle } from './poll-until.js';

export interface BackoffOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** First wait; each later wait doubles, up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up once this much time has been spent waiting. */
  budgetMs?: number;
  /** Which failures are worth another attempt; anything else is thrown at once. */
  retryable(e: unknown): boolean;
  /** Called before each wait (attempt counts from 1). */
  onWait?(attempt: number, delayMs: number, error: unknown): void;
  /** Explains the give-up; the last error is attached as the cause. */
  giveUpMessage(waitedMs: number, error: unknown): string;
}

/** Runs fn until it succeeds, retrying only `retryable` failures with capped exponential backoff. */
export async function retryWithBackoff<T>(fn: () => Promise<T>, o: BackoffOptions): Promise<T> {
  const schedule = backoff({ firstMs: o.initialDelayMs ?? 1_000, maxMs: o.maxDelayMs ?? 8_000, budgetMs: o.budgetMs ?? 90_000 });
  const out = await pollUntil(() => settle(fn), {
    clock: o.clock,
    ...(o.signal ? { signal: o.signal } : {}),
    why: 'a retryable failure',
    until: (r) => r.ok || !o.retryable(r.error) || o.signal?.aborted === true,
    nextDelayMs: (attempt, waited) => schedule(attempt, waited),
    onWait: ({ attempt, delayMs, value }) => o.onWait?.(attempt, delayMs, (value as { error: unknown }).error),
  });
  if (out.value.ok) return out.value.value;
  if (!out.done) throw new LabError(o.giveUpMessage(out.waitedMs, out.value.error), { cause: out.value.error });
  throw out.value.error;
}

const IAM_PROPAGATION = [/cannot be assumed by Lambda/i, /does not have permissions to call PutTraceSegments/i];

/**
 * The two CreateFunction refusals that mean "IAM has not caught up with the new role or its policy yet"
 * (Lambda's CreateFunction answers them until IAM has propagated the role: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html): worth retrying for a while. Every other InvalidParameterValueException is a real error.
 */
export function isIamPropagationError(e: unknown): boolean {
  if (errorCode(e) !== 'InvalidParameterValueException') return false;
  const message = (e as Error).message;
  return IAM_PROPAGATION.some((re) => re.test(message));
}

/** Every service's name for "slow down" (the SDK's own list plus API Gateway's and DynamoDB's). */
const THROTTLE_CODES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'TooManyRequests',
  'RequestLimitExceeded', 'RequestThrottled', 'RequestThrottledException', 'ProvisionedThroughputExceededException',
  'LimitExceededException', 'SlowDown', 'PriorRequestNotComplete',
]);

export function isThrottled(e: unknown): boolean {
  if (!isAwsSdkError(e)) return false;
  return THROTTLE_CODES.has(e.name) || e.$metadata.httpStatusCode === 429;
}

/** The server's `Retry-After` (seconds or an HTTP date) on an SDK error, in ms; undefined when absent or unreadable. */
export function retryAfterMs(e: unknown, now: number): number | undefined {
  const headers = (e as { $response?: { headers?: Record<string, string | undefined> } }).$response?.headers ?? {};
  const value = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Marks an SDK command to be sent exactly once: the SDK's own retries would wait on throttling silently
 * (and only about 5 s), where the lab wants to honour AWS's full Retry-After and say that it is waiting.
 * Overriding the named retry middleware on the command's own stack is the SDK's supported way to replace it.
 */
export function singleAttempt<C extends { middlewareStack: { add(mw: unknown, options: Record<string, unknown>): void } }>(command: C): C {
  command.middlewareStack.add((next: unknown) => next, {
    name: 'retryMiddleware',
    step: 'finalizeRequest',
    priority: 'high',
    override: true,
    tags: ['RETRY'],
  });
  return command;
}

export interface ThrottleRetryOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** Give up after this long in total (default 3 minutes: DeleteRestApi needs up to ~1). */
  deadlineMs?: number;
  firstDelayMs?: number;
  /** Upper bound of one wait (default 30 s; callers pass LabConfig.maxRetryWaitMs, from XRAY_LAB_MAX_RETRY_WAIT_MS). */
  maxDelayMs?: number;
  /** What else is worth waiting out (default: throttling only), e.g. a resource still being changed. */
  retryable?(e: unknown): boolean;
  /** Told before each wait, e.g. to say why nothing seems to happen. */
  onWait?(ms: number, attempt: number, error: unknown): void;
}

/**
 * Runs fn; on a throttle (or a `retryable` answer) waits as long as the service asked (Retry-After),
 * at least the current back-off (1, 2, 4 … s, capped), and tries again until the deadline.
 */
export async function withThrottleRetry<T>(fn: () => Promise<T>, o: ThrottleRetryOptions): Promise<T> {
  const deadline = o.clock.now() + (o.deadlineMs ?? 180_000);
  const cap = o.maxDelayMs ?? 30_000;
  const first = o.firstDelayMs ?? 1_000;
  const out = await pollUntil(() => settle(fn), {
    clock: o.clock,
    ...(o.signal ? { signal: o.signal } : {}),
    why: 'the service asked to slow down',
    until: (r) => r.ok || (!isThrottled(r.error) && !o.retryable?.(r.error)) || o.signal?.aborted === true,
    nextDelayMs: (attempt, _waited, r) => {
      // As long as the service asked (Retry-After), at least the back-off, never past the cap or the deadline.
      const backoffMs = Math.min(first * 2 ** (attempt - 1), cap);
      const wait = Math.min(Math.max(retryAfterMs((r as { error: unknown }).error, o.clock.now()) ?? 0, backoffMs), cap);
      return o.clock.now() + wait > deadline ? undefined : wait;
    },
    onWait: ({ delayMs, attempt, value }) => o.onWait?.(delayMs, attempt, (value as { error: unknown }).error),
  });
  if (out.value.ok) return out.value.value;
  throw out.value.error;
}
