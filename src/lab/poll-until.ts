/**
 * The one wait loop: ask, and until the answer is the one we want, sleep on the injected clock (so tests
 * never sleep for real) and try again, for as long as the caller's schedule allows. Step waits (table
 * ACTIVE, function Active), X-Ray's eventual consistency (traces/poll.ts) and the retry helpers
 * (retry.ts) are all this loop with a different schedule and message.
 */
import type { Clock } from './context.js';

export interface PollUntilOptions<T> {
  clock: Clock;
  signal?: AbortSignal;
  /** Why we wait, in words a learner understands; handed to onWait for its message. */
  why: string;
  /** True when the answer is final (the one wanted, or one not worth waiting out). */
  until(value: T): boolean;
  /** The wait before the next attempt, or undefined to give up (budget or deadline spent). */
  nextDelayMs(attempt: number, waitedMs: number, value: T): number | undefined;
  /** Told before each wait, e.g. to say why nothing seems to happen. */
  onWait?(wait: { delayMs: number; attempt: number; waitedMs: number; value: T; why: string }): void;
}

export interface PollOutcome<T> {
  value: T;
  /** False when the schedule gave up first. */
  done: boolean;
  attempts: number;
  waitedMs: number;
}

export async function pollUntil<T>(ask: () => Promise<T>, o: PollUntilOptions<T>): Promise<PollOutcome<T>> {
  const startedAt = o.clock.now();
  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted();
    const value = await ask();
    const waitedMs = o.clock.now() - startedAt;
    if (o.until(value)) return { value, done: true, attempts: attempt, waitedMs };
    const delayMs = o.nextDelayMs(attempt, waitedMs, value);
    if (delayMs === undefined) return { value, done: false, attempts: attempt, waitedMs };
    o.onWait?.({ delayMs, attempt, waitedMs, value, why: o.why });
    await o.clock.sleep(delayMs, o.signal);
  }
}

/** Capped exponential backoff within a budget: first, 2×first, 4×first … up to maxMs; undefined once the budget is spent. */
export function backoff(o: { firstMs: number; maxMs: number; budgetMs: number }): (attempt: number, waitedMs: number) => number | undefined {
  return (attempt, waitedMs) => {
    const left = o.budgetMs - waitedMs;
    if (left <= 0) return undefined;
    return Math.min(o.firstMs * 2 ** (attempt - 1), o.maxMs, left);
  };
}

/** A fixed interval until an absolute deadline on the clock. */
export function every(intervalMs: number, deadline: number, clock: Clock): () => number | undefined {
  return () => (clock.now() >= deadline ? undefined : intervalMs);
}

/** An attempt's result as a value, so a failing call can be polled like any other answer. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(fn: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
