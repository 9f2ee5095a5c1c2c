/**
 * `load` flags: commander parsers (a bad value is a commander error, so exit 2 with the flag named),
 * the run plan they add up to, and the cost guard for the aws target.
 */
import { InvalidArgumentError } from 'commander';
import type { CommonFlags } from '../../lab/config.js';
import { durationMs } from '../../lab/duration.js';
import { UserError } from '../../lab/errors.js';
import { DEFAULT_USERS, type LoadMode } from '../../lab/load/types.js';

export interface LoadFlags extends CommonFlags {
  url?: string;
  duration?: number;
  requests?: number;
  rate?: number;
  concurrency?: number;
  users?: string[];
  warmup?: boolean;
  iKnowTheCost?: boolean;
}

/** The guide's script sends about one request a second (a random 0.5–2 s gap), for 60 s. */
export const DEFAULT_RATE = 1;
export const DEFAULT_DURATION_S = 60;
/** Above these, `--target aws` needs `--i-know-the-cost`. */
export const AWS_MAX_RATE = 5;
export const AWS_MAX_REQUESTS = 2_000;

/** Seconds: `90`, `90s`, `1.5m`, `500ms`, `1h` (the grammar of src/lab/duration.ts; a bare number is seconds). */
export function parseDurationSeconds(value: string): number {
  // Zero is parsed (not refused by the grammar) only to say precisely what is wrong with it.
  const ms = durationMs(value, { bareUnit: 's', allowZero: true });
  if (ms === undefined) throw new InvalidArgumentError('give a duration above 0 like 60, 30s, 2m or 500ms.');
  if (ms === 0) throw new InvalidArgumentError('the duration must be above 0.');
  return ms / 1000;
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('give a number above 0, e.g. 5.');
  return n;
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('give a whole number of 1 or more.');
  }
  return Number(value);
}

export function parseUsers(value: string): string[] {
  const users = value.split(',').map((u) => u.trim());
  if (users.length === 0 || users.some((u) => u === '' || /[/?#\s]/.test(u))) {
    throw new InvalidArgumentError('give comma-separated user ids without spaces or slashes, e.g. user123,nonexistent.');
  }
  return users;
}

export interface LoadPlan {
  mode: LoadMode;
  /** Exactly one of these bounds the run, or both (whichever comes first). */
  durationMs?: number;
  requests?: number;
  users: string[];
  warmup: boolean;
}

/** Closed-loop connections when only a request count is given on the local target. */
export const LOCAL_DEFAULT_CONCURRENCY = 8;

export function planFromFlags(flags: LoadFlags, target: 'local' | 'aws' = 'aws'): LoadPlan {
  if (flags.rate !== undefined && flags.concurrency !== undefined) {
    throw new UserError('--rate and --concurrency are two different modes: give one of them.');
  }
  // `--requests N` alone on the local cloud means "send N now": a guide-like 1 req/s would take N seconds.
  // On AWS the cautious 1 req/s stays the default, because requests cost money there.
  const countOnly = flags.requests !== undefined && flags.duration === undefined && flags.rate === undefined;
  const connections = flags.concurrency ?? (countOnly && target === 'local' ? LOCAL_DEFAULT_CONCURRENCY : undefined);
  const mode: LoadMode = connections !== undefined ? { kind: 'concurrency', connections } : { kind: 'rate', rps: flags.rate ?? DEFAULT_RATE };
  const durationMs = flags.duration !== undefined ? Math.round(flags.duration * 1000) : flags.requests === undefined ? DEFAULT_DURATION_S * 1000 : undefined;
  return {
    mode,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(flags.requests !== undefined ? { requests: flags.requests } : {}),
    users: flags.users ?? [...DEFAULT_USERS],
    warmup: flags.warmup !== false,
  };
}

/** The most requests the plan can send; undefined when nothing bounds the count (closed loop, time only). */
export function plannedRequests(plan: LoadPlan): number | undefined {
  const byTime = plan.mode.kind === 'rate' && plan.durationMs !== undefined ? Math.ceil((plan.mode.rps * plan.durationMs) / 1000) : undefined;
  if (plan.requests !== undefined && byTime !== undefined) return Math.min(plan.requests, byTime);
  return plan.requests ?? byTime;
}

/** On AWS every request costs money: refuse what is above the safe defaults unless the flag says otherwise. */
export function checkAwsLimits(plan: LoadPlan, iKnowTheCost: boolean): void {
  if (iKnowTheCost) return;
  const flag = 'pass --i-know-the-cost to send it anyway';
  if (plan.mode.kind === 'rate' && plan.mode.rps > AWS_MAX_RATE) {
    throw new UserError(`--rate ${plan.mode.rps} is above the ${AWS_MAX_RATE} requests/s xray-lab allows on AWS by default`, `Lower it, or ${flag}.`);
  }
  const planned = plannedRequests(plan);
  if (planned === undefined) {
    throw new UserError('--concurrency without --requests has no upper bound on the number of requests sent to AWS', `Add --requests N (at most ${AWS_MAX_REQUESTS}), or ${flag}.`);
  }
  if (planned > AWS_MAX_REQUESTS) {
    throw new UserError(`This run would send up to ${planned} requests, above the ${AWS_MAX_REQUESTS} xray-lab allows on AWS by default`, `Shorten it, or ${flag}.`);
  }
}
