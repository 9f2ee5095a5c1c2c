/**
 * The warm processes of one function version. Concurrent invocations get their own process up to
 * `max`; beyond that they queue for the next free one. Idle processes stop after `idleTimeoutMs`.
 * A retired pool (code or configuration changed, function deleted) serves what is already queued,
 * then stops each process as it comes back.
 */
import type { FunctionProcess } from './process.js';

export class ProcessPool {
  private readonly all = new Set<FunctionProcess>();
  private readonly idle: FunctionProcess[] = [];
  private readonly idleTimers = new Map<FunctionProcess, NodeJS.Timeout>();
  private readonly waiters: { resolve(p: FunctionProcess): void; reject(e: unknown): void }[] = [];
  private retired = false;
  private spawning = 0;
  private readonly drained: { resolve(): void }[] = [];

  constructor(
    private readonly spawnProcess: () => Promise<FunctionProcess>,
    private readonly max: number,
    private readonly idleTimeoutMs: number,
  ) {}

  get size(): number {
    return this.all.size;
  }

  pids(): number[] {
    return [...this.all].map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** A warm idle process, a new one (cold) if there is room, or the next one released. */
  async acquire(): Promise<FunctionProcess> {
    const warm = this.idle.pop();
    if (warm) {
      clearTimeout(this.idleTimers.get(warm));
      this.idleTimers.delete(warm);
      return warm;
    }
    if (this.all.size + this.spawning < this.max) return this.spawn();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Give a process back after an invocation; a dead one frees its slot for a queued invocation. */
  release(p: FunctionProcess): void {
    if (!p.alive) {
      this.all.delete(p);
      const waiter = this.waiters.shift();
      if (waiter) this.spawn().then(waiter.resolve, waiter.reject);
      this.checkDrained();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) return waiter.resolve(p);
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
    for (const w of this.waiters.splice(0)) w.reject(new Error('Lambda engine closed'));
    await Promise.all([...this.all].map((p) => p.kill()));
    this.all.clear();
    this.checkDrained();
  }

  // The slot is taken synchronously, so concurrent acquires cannot overshoot `max` while spawning.
  private async spawn(): Promise<FunctionProcess> {
    this.spawning++;
    try {
      const p = await this.spawnProcess();
      this.all.add(p);
      return p;
    } finally {
      this.spawning--;
    }
  }

  private expire(p: FunctionProcess): void {
    const i = this.idle.indexOf(p);
    if (i < 0) return;
    this.idle.splice(i, 1);
    this.idleTimers.delete(p);
    void p.kill().then(() => this.all.delete(p));
  }

  private checkDrained(): void {
    if (this.all.size > 0 || this.spawning > 0) return;
    for (const d of this.drained.splice(0)) d.resolve();
  }
}
