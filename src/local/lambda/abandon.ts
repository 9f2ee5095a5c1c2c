/**
 * Work nobody waits for any more is dropped: an invocation whose caller left (client disconnected,
 * integration timed out) before it started never runs, and gives its concurrency slot back at once.
 */
import { ServiceError } from '../core/errors.js';
import type { ProcessPool, QueueWatch } from './pool.js';
import type { FunctionProcess } from './process.js';

/**
 * An environment for the invocation, unless its caller leaves first: then the slot is given back at
 * once (a burst's abandoned requests must not keep the next real one throttled while their
 * environments finish booting) and the environment, once up, joins the pool idle.
 */
export function acquireUnlessAbandoned(pool: ProcessPool, signal: AbortSignal | undefined, releaseSlot: () => void,
  watch?: QueueWatch): Promise<FunctionProcess> {
  // Ready means booted too: a caller who leaves during the init phase must not get its event run after it.
  // A caller who leaves while queued (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS) drops out of the queue (pool.ts).
  const acquiring = pool.acquire(signal, watch).then(async (p) => {
    await p.initialized;
    return p;
  });
  if (!signal) return acquiring;
  return new Promise((resolve, reject) => {
    let gone = false;
    const onAbort = () => {
      gone = true;
      releaseSlot();
      reject(abandoned());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    acquiring.then(
      (p) => {
        signal.removeEventListener('abort', onAbort);
        if (gone) pool.release(p);
        else resolve(p);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!gone) reject(e);
      },
    );
  });
}

/** The caller is gone: nothing answers, so the error only ends the request's promise. */
export function abandoned(): ServiceError {
  return new ServiceError('RequestAbandoned', 'The caller gave up on this invocation before it started, so it did not run.', 499, { Type: 'User' });
}

export const isAbandoned = (e: unknown): boolean => e instanceof ServiceError && e.code === 'RequestAbandoned';
