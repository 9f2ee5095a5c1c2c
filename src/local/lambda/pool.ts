/**
 * The execution environments (warm processes) of one function version. An invocation that finds no
 * idle environment gets a new one (a cold start) at once: it never waits behind another invocation.
 * How many may be busy is the engine's concurrency limit (concurrency.ts), checked before `acquire`.
 * The one wait left is for an environment in its Overhead phase (its answer already sent, a few ms
 * from free) when there are at least as many of those as waiters: a new cold start would take longer.
 * Idle environments stop after `idleTimeoutMs`. A retired pool (code or configuration changed,
 * function deleted) stops each process as it comes back.
 *
 * Opt-in, not AWS's behaviour (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS, for small machines where many
 * processes each warmed by a sliver of the traffic cost more CPU than they save): with
 * `maxEnvironments` set, an invocation that finds that many environments already there and none idle
 * waits in a FIFO queue for the next free one. The engine is told when it enters and leaves the
 * queue (QueueWatch), so the wait is traced as what it is. A caller that leaves drops out of the queue.
 */
import { abandoned } from './abandon.js';
import type { FunctionProcess } from './process.js';

/** Told when an invocation starts and stops waiting in the opt-in environment queue. */
export interface QueueWatch {
  queued(): void;
  dequeued(): void;
}

interface Waiter {
  resolve(p: FunctionProcess): void;
  reject(e: unknown): void;
  /** Called as the waiter is taken off the queue, before it gets (or boots) its environment. */
  taken?(): void;
}

/** How long an invocation may wait for an environment finishing its Overhead before it starts a new one. */
const OVERHEAD_WAIT_MS = 250;

export class ProcessPool {
  private readonly all = new Set<FunctionProcess>();
  private readonly idle: FunctionProcess[] = [];
  private readonly idleTimers = new Map<FunctionProcess, NodeJS.Timeout>();
  /** FIFO: invocations waiting for an environment in its Overhead phase, and (with a cap) queued ones. */
  private readonly waiters: Waiter[] = [];
  /** Invocations whose new environment still waits for its boot turn. */
  private readonly bootWaiters: { take(p: FunctionProcess): boolean }[] = [];
  private retired = false;
  private spawning = 0;
  private readonly finishing = new Set<FunctionProcess>();
  private readonly drained: { resolve(): void }[] = [];

  constructor(
    /**
     * Boots a new environment. `signal` lets a caller who gives up while it waits for its boot turn
     * leave; `onBoot` is called once the turn came and the process is starting.
     */
    private readonly spawnProcess: (signal?: AbortSignal, onBoot?: () => void) => Promise<FunctionProcess>,
    private readonly idleTimeoutMs: number,
    /** Opt-in cap on environments (0: none, AWS's model). */
    private readonly maxEnvironments = 0,
  ) {}

  get size(): number {
    return this.all.size;
  }

  pids(): number[] {
    return [...this.all].map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** A warm idle process, one about to be free, or a new one (cold); with a cap reached, the next free one. */
  async acquire(signal?: AbortSignal, watch?: QueueWatch): Promise<FunctionProcess> {
    const warm = this.idle.pop();
    if (warm) {
      clearTimeout(this.idleTimers.get(warm));
      this.idleTimers.delete(warm);
      return warm;
    }
    if (this.atCap()) return this.enqueue(signal, watch);
    // A process in its Overhead phase is free in a moment: wait for it rather than start cold, but
    // never longer than a cold start would take to begin (one stuck in Overhead must not hold us).
    if (!this.retired && this.finishing.size > this.waiters.length) {
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve: (p: FunctionProcess) => {
            clearTimeout(giveUp);
            resolve(p);
          },
          reject,
        };
        const giveUp = setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i < 0) return;
          this.waiters.splice(i, 1);
          (this.atCap() ? this.enqueue(signal, watch) : this.coldStart(signal)).then(resolve, reject);
        }, OVERHEAD_WAIT_MS);
        this.waiters.push(waiter);
      });
    }
    return this.coldStart(signal);
  }

  /** Every environment the cap allows exists (booting ones included): no new one may start. */
  private atCap(): boolean {
    return this.maxEnvironments > 0 && this.all.size + this.spawning >= this.maxEnvironments;
  }

  /** Waits, in arrival order, for the next environment that comes free (or for room to boot one). */
  private enqueue(signal: AbortSignal | undefined, watch: QueueWatch | undefined): Promise<FunctionProcess> {
    if (signal?.aborted) return Promise.reject(abandoned());
    return new Promise((resolve, reject) => {
      const leave = () => {
        const i = this.waiters.indexOf(waiter);
        if (i < 0) return;
        this.waiters.splice(i, 1);
        reject(abandoned());
      };
      const waiter: Waiter = {
        resolve,
        reject,
        taken: () => {
          signal?.removeEventListener('abort', leave);
          watch?.dequeued();
        },
      };
      signal?.addEventListener('abort', leave, { once: true });
      watch?.queued();
      this.waiters.push(waiter);
    });
  }

  /** The next waiter, off the queue. */
  private nextWaiter(): Waiter | undefined {
    const w = this.waiters.shift();
    w?.taken?.();
    return w;
  }

  /** Room under the cap again (an environment stopped): boot one for the longest-queued invocation. */
  private serveQueue(): void {
    if (this.maxEnvironments === 0 || this.retired || this.atCap()) return;
    const waiter = this.nextWaiter();
    if (waiter) this.spawn().then(waiter.resolve, waiter.reject);
  }

  /**
   * A new environment for this invocation. While it still waits for its boot turn (init-gate.ts), an
   * environment that comes free is handed to it instead and the boot is called off: it then runs
   * sooner than with its own cold start, and the machine boots one process fewer.
   */
  private coldStart(signal?: AbortSignal): Promise<FunctionProcess> {
    return new Promise((resolve, reject) => {
      const boot = new AbortController();
      const callerLeft = () => boot.abort();
      signal?.addEventListener('abort', callerLeft, { once: true });
      let settled = false;
      let booting = false;
      const finish = () => {
        settled = true;
        signal?.removeEventListener('abort', callerLeft);
        const i = this.bootWaiters.indexOf(waiter);
        if (i >= 0) this.bootWaiters.splice(i, 1);
      };
      const waiter = {
        take: (p: FunctionProcess): boolean => {
          if (settled || booting) return false;
          finish();
          boot.abort();
          resolve(p);
          return true;
        },
      };
      this.bootWaiters.push(waiter);
      this.spawn(boot.signal, () => (booting = true)).then(
        (p) => {
          if (settled) return this.release(p);
          finish();
          resolve(p);
        },
        (e: unknown) => {
          if (settled) return;
          finish();
          reject(e);
        },
      );
    });
  }

  /** The process has answered its invocation and will be released once its Overhead phase ends. */
  markFinishing(p: FunctionProcess): void {
    this.finishing.add(p);
  }

  /** Give a process back after an invocation; a dead one is replaced for an invocation waiting on it. */
  release(p: FunctionProcess): void {
    this.finishing.delete(p);
    if (!p.alive) {
      this.all.delete(p);
      const waiter = this.nextWaiter();
      if (waiter) this.spawn().then(waiter.resolve, waiter.reject);
      this.checkDrained();
      return;
    }
    const waiter = this.nextWaiter();
    if (waiter) return waiter.resolve(p);
    if (!this.retired && this.bootWaiters.some((w) => w.take(p))) return;
    if (this.retired) {
      void p.kill().then(() => this.release(p));
      return;
    }
    this.idle.push(p);
    const t = setTimeout(() => this.expire(p), this.idleTimeoutMs);
    t.unref();
    this.idleTimers.set(p, t);
  }

  /** Stop idle processes now and busy ones when their invocation ends; resolves when none is left. */
  retire(): Promise<void> {
    this.retired = true;
    for (const p of this.idle.splice(0)) {
      clearTimeout(this.idleTimers.get(p));
      this.idleTimers.delete(p);
      void p.kill().then(() => this.release(p));
    }
    return new Promise((resolve) => {
      this.drained.push({ resolve });
      this.checkDrained();
    });
  }

  /** Kill everything at once, busy processes included (their invocations end as Runtime.ExitError). */
  async kill(): Promise<void> {
    this.retired = true;
    for (const t of this.idleTimers.values()) clearTimeout(t);
    this.idleTimers.clear();
    this.idle.length = 0;
    this.finishing.clear();
    for (const w of this.waiters.splice(0)) w.reject(new Error('Lambda engine closed'));
    await Promise.all([...this.all].map((p) => p.kill()));
    this.all.clear();
    this.checkDrained();
  }

  // Counted synchronously, so `retire` knows a process is on its way.
  private async spawn(signal?: AbortSignal, onBoot?: () => void): Promise<FunctionProcess> {
    this.spawning++;
    let booted = false;
    try {
      const p = await this.spawnProcess(signal, onBoot);
      this.all.add(p);
      booted = true;
      return p;
    } finally {
      this.spawning--;
      // A boot called off or failed may have been the last thing a retiring pool waited for…
      if (this.retired) this.checkDrained();
      // …or left room under the cap that a queued invocation can use.
      else if (!booted) this.serveQueue();
    }
  }

  private expire(p: FunctionProcess): void {
    const i = this.idle.indexOf(p);
    if (i < 0) return;
    this.idle.splice(i, 1);
    this.idleTimers.delete(p);
    void p.kill().then(() => {
      this.all.delete(p);
      this.serveQueue();
    });
  }

  private checkDrained(): void {
    if (this.all.size > 0 || this.spawning > 0) return;
    for (const d of this.drained.splice(0)) d.resolve();
  }
}
