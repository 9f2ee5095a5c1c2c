import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lab/context.js';
import { LabError } from '../../../src/lab/errors.js';
import { isIamPropagationError, isThrottled, retryAfterMs, retryWithBackoff, withThrottleRetry } from '../../../src/lab/retry.js';
import { resolveConfig } from '../../../src/lab/config.js';
import { maxRetryWaitFromEnv as maxWaitFromEnv } from '../../../src/lab/config-env.js';

/** SDK-shaped errors: the lab classifies by `name` and `$metadata`, as the SDK's service exceptions carry them. */
function sdkError(name: string, message: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, $response: { headers } });
}

function fakeClock(): Clock & { slept: number[] } {
  let t = 1_000_000;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)) };
}

const notAssumable = () => sdkError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');

describe('retryWithBackoff for IAM propagation', () => {
  it('doubles the wait up to the cap and succeeds once the call does', async () => {
    const clock = fakeClock();
    let calls = 0;

    const out = await retryWithBackoff(async () => (++calls < 6 ? Promise.reject(notAssumable()) : 'ok'), {
      clock, retryable: isIamPropagationError, maxDelayMs: 4_000, giveUpMessage: () => 'gave up',
    });

    expect(out).toBe('ok');
    expect(clock.slept).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('fails at once on any other error, including other InvalidParameterValueExceptions', async () => {
    const clock = fakeClock();
    const other = sdkError('InvalidParameterValueException', 'Unzipped size must be smaller than 262144000 bytes');

    await expect(retryWithBackoff(() => Promise.reject(other), { clock, retryable: isIamPropagationError, giveUpMessage: () => 'x' })).rejects.toBe(other);
    expect(clock.slept).toEqual([]);
  });

  it('gives up with a LabError carrying the last error once the budget is spent', async () => {
    const clock = fakeClock();

    const err = await retryWithBackoff(() => Promise.reject(notAssumable()), {
      clock, retryable: isIamPropagationError, budgetMs: 10_000, giveUpMessage: (ms) => `waited ${ms}`,
    }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(LabError);
    expect((err as Error).message).toBe('waited 10000');
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('recognises both propagation messages', () => {
    expect(isIamPropagationError(notAssumable())).toBe(true);
    expect(isIamPropagationError(sdkError('InvalidParameterValueException', 'The provided execution role does not have permissions to call PutTraceSegments on XRAY'))).toBe(true);
    expect(isIamPropagationError(new Error('The role defined for the function cannot be assumed by Lambda.'))).toBe(false);
  });
});

describe('withThrottleRetry', () => {
  const throttled = () => sdkError('TooManyRequestsException', 'Too Many Requests', { 'Retry-After': '30' });

  it('waits as long as Retry-After asks, capped by maxDelayMs, and rethrows the throttle at the deadline', async () => {
    const clock = fakeClock();
    const waits: number[] = [];
    const err = await withThrottleRetry(() => Promise.reject(throttled()), { clock, maxDelayMs: 5_000, deadlineMs: 12_000, onWait: (ms) => waits.push(ms) })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('TooManyRequestsException');
    expect(waits).toEqual([5_000, 5_000]);
    expect(clock.slept).toEqual([5_000, 5_000]);
  });

  it('backs off 1, 2, 4 s without Retry-After, retries `retryable` answers too, and succeeds once the call does', async () => {
    const clock = fakeClock();
    const answers = [sdkError('ThrottlingException', 'Rate exceeded'), sdkError('ResourceConflictException', 'busy'), Object.assign(sdkError('X', 'y'), { $metadata: { httpStatusCode: 429 } })];
    const r = await withThrottleRetry(async () => {
      const next = answers.shift();
      if (next) throw next;
      return 'done';
    }, { clock, retryable: (e) => (e as Error).name === 'ResourceConflictException' });
    expect(r).toBe('done');
    expect(clock.slept).toEqual([1_000, 2_000, 4_000]);
  });

  it('throws any other error at once', async () => {
    const clock = fakeClock();
    const err = await withThrottleRetry(() => Promise.reject(sdkError('AccessDeniedException', 'no')), { clock }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AccessDeniedException');
    expect(clock.slept).toEqual([]);
  });

  it('never waits longer than XRAY_LAB_MAX_RETRY_WAIT_MS allows', async () => {
    const clock = fakeClock();
    // The variable is read once, by resolveConfig; callers pass the cap it found.
    const { maxRetryWaitMs } = resolveConfig({}, { XRAY_LAB_MAX_RETRY_WAIT_MS: '250', HOME: '/nonexistent' });
    let n = 0;
    await withThrottleRetry(async () => {
      if (n++ < 2) throw throttled();
    }, { clock, maxDelayMs: maxRetryWaitMs });
    expect(clock.slept).toEqual([250, 250]);
  });

  it('knows the services\' throttle answers, by code or by HTTP 429', () => {
    for (const code of ['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ProvisionedThroughputExceededException', 'LimitExceededException']) {
      expect(isThrottled(sdkError(code, 'x'))).toBe(true);
    }
    expect(isThrottled(Object.assign(sdkError('Unknown', 'x'), { $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isThrottled(sdkError('ValidationException', 'x'))).toBe(false);
    expect(isThrottled(new Error('TooManyRequestsException'))).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date; ignores junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(sdkError('X', 'x', { 'retry-after': '30' }), now)).toBe(30_000);
    expect(retryAfterMs(sdkError('X', 'x', { 'retry-after': 'Thu, 01 Jan 2026 00:00:12 GMT' }), now)).toBe(12_000);
    expect(retryAfterMs(sdkError('X', 'x', { 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(sdkError('X', 'x'), now)).toBeUndefined();
  });

  it('takes the wait cap from XRAY_LAB_MAX_RETRY_WAIT_MS only when it is a number', () => {
    expect(maxWaitFromEnv({ XRAY_LAB_MAX_RETRY_WAIT_MS: '250' })).toBe(250);
    expect(maxWaitFromEnv({ XRAY_LAB_MAX_RETRY_WAIT_MS: 'fast' })).toBeUndefined();
    expect(maxWaitFromEnv({})).toBeUndefined();
  });
});
