/**
 * X-Ray is eventually consistent: on AWS a trace shows up in queries some seconds to a minute after
 * the request. Queries are retried with exponential backoff on the context clock (so tests use a
 * virtual one) and the user is told that we are waiting and for how long.
 */
import type { Clock } from '../context.js';
import type { IO, Task } from '../io.js';
import { backoff, pollUntil } from '../poll-until.js';

export interface PollEnv {
  clock: Clock;
  io: IO;
  signal: AbortSignal;
}

export interface PollOptions<T> {
  /** Total time we may spend waiting; 0 = ask once. */
  budgetMs: number;
  ready(value: T): boolean;
  /** Shown while waiting, e.g. "Waiting for traces to appear in X-Ray". */
  waiting: string;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

export interface PollResult<T> {
  value: T;
  ready: boolean;
  attempts: number;
  waitedMs: number;
}

/** Waiting defaults per target: AWS needs up to a minute; the local cloud stores a trace at once. */
export function defaultWaitMs(target: 'local' | 'aws'): number {
  return target === 'aws' ? 60_000 : 2_000;
}

export async function pollWithBackoff<T>(env: PollEnv, fetch: () => Promise<T>, opts: PollOptions<T>): Promise<PollResult<T>> {
  const firstMs = opts.firstDelayMs ?? Math.min(1_000, Math.max(100, Math.floor(opts.budgetMs / 20)));
  const maxMs = opts.maxDelayMs ?? Math.max(firstMs, Math.min(8_000, Math.floor(opts.budgetMs / 4)));
  const schedule = backoff({ firstMs, maxMs, budgetMs: opts.budgetMs });
  let task: Task | undefined;
  const out = await pollUntil(fetch, {
    clock: env.clock,
    signal: env.signal,
    why: opts.waiting,
    until: opts.ready,
    nextDelayMs: (attempt, waited) => schedule(attempt, waited),
    onWait: ({ waitedMs }) => {
      if (!task) {
        // A plain line too: without a TTY the task has no spinner, and silence would look like a hang.
        env.io.info(`${opts.waiting} (up to ${Math.ceil(opts.budgetMs / 1000)} s; X-Ray indexes traces with a delay)…`);
        task = env.io.task(opts.waiting);
      }
      task.update(`${opts.waiting} (${(waitedMs / 1000).toFixed(0)} s of ${Math.ceil(opts.budgetMs / 1000)} s)`);
    },
  });
  const seconds = (out.waitedMs / 1000).toFixed(0);
  if (out.done) task?.succeed(`${opts.waiting}: found after ${seconds} s`);
  else task?.fail(`${opts.waiting}: nothing after ${seconds} s`);
  return { value: out.value, ready: out.done, attempts: out.attempts, waitedMs: out.waitedMs };
}
