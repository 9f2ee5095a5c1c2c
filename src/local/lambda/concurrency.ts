/**
 * Lambda's concurrency accounting: how many execution environments may be busy at once, per account
 * and per function with reserved concurrency. Beyond the limit an invocation is throttled at once
 * (429 TooManyRequestsException with Lambda's `Reason`); nothing waits in a queue.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html
 *
 * AWS's account default is 1,000 and it must keep 100 of them (10 %) unreserved. Locally every
 * environment is a Node process of ~65 MB (measured with the lab's handler, BENCHMARKS.md), so the
 * default limit is what a laptop holds comfortably (20 ≈ 1.3 GB at worst) while still 2.5× the lab's
 * 8 load connections; the same 10 % stays unreserved, rounded up.
 */
import { ServiceError } from '../core/errors.js';

export const DEFAULT_CONCURRENCY_LIMIT = 20;
/** AWS keeps 100 of its default 1,000 unreserved; the local cloud keeps the same share of its limit. */
export const unreservedMinimum = (limit: number): number => Math.max(1, Math.ceil(limit / 10));

export type ThrottleReason = 'ConcurrentInvocationLimitExceeded' | 'ReservedFunctionConcurrentInvocationLimitExceeded';

export function throttled(reason: ThrottleReason): ServiceError {
  // Lambda's wire answer: 429, `Reason`, `Type: User`, message "Rate Exceeded.".
  return new ServiceError('TooManyRequestsException', 'Rate Exceeded.', 429, { Type: 'User', Reason: reason });
}

export function isThrottle(e: unknown): e is ServiceError {
  return e instanceof ServiceError && e.code === 'TooManyRequestsException';
}

export class ConcurrencyLimiter {
  private readonly busy = new Map<string, number>();
  private unreservedBusy = 0;

  /**
   * @param limit the account's concurrency limit
   * @param reservedTotal the sum of every function's reserved concurrency, as the control plane stores it
   */
  constructor(
    readonly limit: number,
    private readonly reservedTotal: () => number,
  ) {}

  /** Takes one slot for `functionName`, or throws the throttle; the returned function gives it back once. */
  acquire(functionName: string, reserved: number | undefined): () => void {
    const mine = this.busy.get(functionName) ?? 0;
    if (reserved !== undefined) {
      if (mine >= reserved) throw throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    } else if (this.unreservedBusy >= Math.max(0, this.limit - this.reservedTotal())) {
      throw throttled('ConcurrentInvocationLimitExceeded');
    }
    this.busy.set(functionName, mine + 1);
    if (reserved === undefined) this.unreservedBusy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.busy.get(functionName) ?? 1) - 1;
      if (left > 0) this.busy.set(functionName, left);
      else this.busy.delete(functionName);
      if (reserved === undefined) this.unreservedBusy--;
    };
  }

  /** Busy environments of one function, or of the account. */
  inUse(functionName?: string): number {
    if (functionName !== undefined) return this.busy.get(functionName) ?? 0;
    let total = 0;
    for (const n of this.busy.values()) total += n;
    return total;
  }
}
