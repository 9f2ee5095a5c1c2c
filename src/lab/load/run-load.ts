/**
 * Load generator for the lab API.
 *
 * Rate mode is open-loop: request i is due at t0 + i/rps whatever happened to earlier ones, late
 * timers launch every overdue request at once, and latency counts from the due time — so a server
 * (or generator) stall shows up in the percentiles instead of silently lowering the send rate.
 * Concurrency mode is closed-loop: C workers send back-to-back over C keep-alive sockets.
 */
import type http from 'node:http';
import { setMaxListeners } from 'node:events';
import { percentiles } from '../analysis/percentiles.js';
import { createAgent, sendGet, TransportError } from './http-send.js';
import { DEFAULT_USERS, type LoadOptions, type LoadReport, type LoadSnapshot, type RequestSample, type WarmupReport } from './types.js';

const DEFAULT_DURATION_MS = 60_000;

const monotonic = { now: () => performance.now() };

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

async function runWarmup(opts: LoadOptions, agent: http.Agent, signal: AbortSignal, timeoutMs: number): Promise<WarmupReport> {
  const report: WarmupReport = { sent: 0, byStatus: {}, errors: 0, sampled: 0 };
  for (const path of opts.warmup ?? []) {
    if (signal.aborted) break;
    report.sent++;
    try {
      const r = await sendGet(joinUrl(opts.baseUrl, path), agent, signal, timeoutMs);
      bump(report.byStatus, String(r.status));
      if (r.sampled) report.sampled++;
    } catch {
      if (!signal.aborted) report.errors++;
    }
  }
  return report;
}

export function validateLoadOptions(opts: LoadOptions): void {
  const { mode } = opts;
  if (mode.kind === 'rate' && !(mode.rps > 0 && Number.isFinite(mode.rps))) throw new RangeError('rate mode needs rps > 0');
  if (mode.kind === 'concurrency' && !(Number.isInteger(mode.connections) && mode.connections > 0)) {
    throw new RangeError('concurrency mode needs a whole number of connections > 0');
  }
  if (opts.requests !== undefined && !(Number.isInteger(opts.requests) && opts.requests >= 0)) throw new RangeError('requests must be a whole number ≥ 0');
  if (opts.duration !== undefined && !(opts.duration >= 0)) throw new RangeError('duration must be ≥ 0 ms');
  if (opts.users && opts.users.length === 0) throw new RangeError('users must not be empty');
  if (!/^https?:\/\//.test(opts.baseUrl)) throw new RangeError(`baseUrl must be an http(s) URL: ${opts.baseUrl}`);
}

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  validateLoadOptions(opts);
  const clock = opts.clock ?? monotonic;
  const random = opts.random ?? Math.random;
  const users = opts.users ?? DEFAULT_USERS;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const { mode } = opts;
  const limitRequests = opts.requests;
  const limitMs = opts.duration ?? (limitRequests === undefined ? DEFAULT_DURATION_MS : undefined);

  const cancel = new AbortController();
  // Every in-flight request listens on it; thousands at once is expected, not a leak.
  setMaxListeners(0, cancel.signal);
  const onAbort = (): void => cancel.abort();
  if (opts.signal?.aborted) cancel.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const agent = createAgent(opts.baseUrl, mode.kind === 'concurrency' ? mode.connections : (opts.maxConnections ?? 512));
  const warmup = opts.warmup?.length ? await runWarmup(opts, agent, cancel.signal, timeoutMs) : undefined;

  const byStatus: Record<string, number> = {};
  const errorsByCode: Record<string, number> = {};
  const latencies: number[] = [];
  let sent = 0;
  let completed = 0;
  let cancelled = 0;
  let errors = 0;
  let sampled = 0;
  let window: number[] = [];
  const t0 = clock.now();
  let tEnd = t0;

  const one = async (scheduledAbs: number): Promise<void> => {
    const path = `/users/${encodeURIComponent(users[Math.min(users.length - 1, Math.floor(random() * users.length))])}`;
    sent++;
    const started = clock.now();
    const sample: RequestSample = { scheduledMs: scheduledAbs - t0, startedMs: started - t0, endedMs: 0, path, sampled: false };
    try {
      const r = await sendGet(joinUrl(opts.baseUrl, path), agent, cancel.signal, timeoutMs);
      const ended = clock.now();
      completed++;
      bump(byStatus, String(r.status));
      if (r.sampled) sampled++;
      latencies.push(ended - scheduledAbs);
      window.push(ended - scheduledAbs);
      Object.assign(sample, { endedMs: ended - t0, status: r.status, sampled: r.sampled, ...(r.traceId ? { traceId: r.traceId } : {}) });
    } catch (e) {
      sample.endedMs = clock.now() - t0;
      if (cancel.signal.aborted) {
        cancelled++;
        sample.error = 'ABORTED';
      } else {
        completed++;
        errors++;
        const code = e instanceof TransportError ? e.code : 'UNKNOWN';
        bump(errorsByCode, code);
        sample.error = code;
      }
    }
    tEnd = Math.max(tEnd, t0 + sample.endedMs);
    opts.onSample?.(sample);
  };

  const target = { requests: limitRequests, durationMs: limitMs };
  let lastProgressAt = t0;
  let lastCompleted = 0;
  const snapshot = (done: boolean): LoadSnapshot => {
    const now = clock.now();
    const w = percentiles(window);
    const span = Math.max(1, now - lastProgressAt);
    const snap: LoadSnapshot = {
      mode, elapsedMs: now - t0, sent, completed, inFlight: sent - completed - cancelled, byStatus: { ...byStatus }, errors, sampled,
      currentRps: ((completed - lastCompleted) * 1000) / span, recentLatencyMs: { p50: w.p50, p99: w.p99 }, target, done,
    };
    window = [];
    lastProgressAt = now;
    lastCompleted = completed;
    return snap;
  };
  const progressTimer = opts.onProgress ? setInterval(() => opts.onProgress!(snapshot(false)), opts.progressIntervalMs ?? 250) : undefined;
  progressTimer?.unref();

  try {
    if (mode.kind === 'rate') await runOpenLoop(mode.rps);
    else await runClosedLoop(mode.connections);
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    agent.destroy();
  }
  opts.onProgress?.(snapshot(true));

  const durationS = Math.max(0, tEnd - t0) / 1000;
  const { count: _count, ...latencyMs } = percentiles(latencies);
  return {
    mode, sent, completed, cancelled, durationS, rps: durationS > 0 ? completed / durationS : 0, byStatus, latencyMs,
    errors, errorsByCode, sampled, aborted: opts.signal?.aborted === true, ...(warmup ? { warmup } : {}),
  };

  /** `dueMs` is an offset from t0: (t0 + x) − t0 is not exactly x in floating point. */
  function mayStart(dueMs: number): boolean {
    if (cancel.signal.aborted) return false;
    if (limitRequests !== undefined && sent >= limitRequests) return false;
    return limitMs === undefined || dueMs < limitMs;
  }

  function runOpenLoop(rps: number): Promise<void> {
    const interval = 1000 / rps;
    const inflight = new Set<Promise<void>>();
    return new Promise<void>((resolve) => {
      let i = 0;
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        if (timer) clearTimeout(timer);
        cancel.signal.removeEventListener('abort', finish);
        void Promise.allSettled([...inflight]).then(() => resolve());
      };
      const tick = (): void => {
        const now = clock.now();
        for (let due = i * interval; t0 + due <= now; due = i * interval) {
          if (!mayStart(due)) return finish();
          const p = one(t0 + due);
          inflight.add(p);
          void p.finally(() => inflight.delete(p));
          i++;
        }
        if (!mayStart(i * interval)) return finish();
        timer = setTimeout(tick, Math.max(0, t0 + i * interval - clock.now()));
      };
      cancel.signal.addEventListener('abort', finish, { once: true });
      tick();
    });
  }

  async function runClosedLoop(connections: number): Promise<void> {
    const worker = async (): Promise<void> => {
      for (let now = clock.now(); mayStart(now - t0); now = clock.now()) await one(now);
    };
    await Promise.all(Array.from({ length: connections }, worker));
  }
}
