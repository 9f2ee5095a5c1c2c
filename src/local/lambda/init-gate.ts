/**
 * How many execution environments may boot at once. A new environment is a Node process loading the
 * runtime, the handler and its SDKs: CPU-bound for a few hundred ms. Thirty of them booting together
 * on a 2-core laptop starve the local cloud's own process, which then answers nothing (not even the
 * cheap 429s) for seconds. So boots take turns, at most one per core (at least 2).
 *
 * An invocation waiting for its boot is not queued behind another invocation: it holds its own
 * concurrency slot and waits only for the machine. The wait shows in its trace as AWS::Lambda time
 * before `Initialization` starts, and a caller that gives up while waiting leaves at once, booting nothing.
 */
import { availableParallelism } from 'node:os';

export const defaultInitConcurrency = (): number => Math.max(2, availableParallelism());

export class InitGate {
  private running = 0;
  private readonly waiting: { go(): void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  constructor(private readonly max: number) {}

  /** Resolves when this boot may start (false: the signal aborted first; nothing was taken). */
  enter(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.running < this.max) {
      this.running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const entry: (typeof this.waiting)[number] = { go: () => resolve(true), signal };
      if (signal) {
        entry.onAbort = () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          resolve(false);
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
    });
  }

  /** A boot finished (ready or failed): the next waiting one starts. */
  leave(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running--;
      return;
    }
    if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
    next.go();
  }
}
