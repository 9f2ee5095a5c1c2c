/** Shapes of the load generator's inputs, progress snapshots and report. */
import type { Percentiles } from '../analysis/percentiles.js';

export type LoadMode = { kind: 'rate'; rps: number } | { kind: 'concurrency'; connections: number };

/** Milliseconds; only differences are used, so a monotonic source is best. Must run at real speed: timers are real. */
export interface LoadClock {
  now(): number;
}

export interface RequestSample {
  /** ms offsets from the run start: when it should have started, when it did, when it ended. */
  scheduledMs: number;
  startedMs: number;
  endedMs: number;
  path: string;
  status?: number;
  error?: string;
  sampled: boolean;
  /** The response's trace id (`Root` of its X-Amzn-Trace-Id), e.g. to fetch a sampled request's trace. */
  traceId?: string;
}

export interface LoadSnapshot {
  mode: LoadMode;
  elapsedMs: number;
  sent: number;
  completed: number;
  inFlight: number;
  byStatus: Record<string, number>;
  errors: number;
  sampled: number;
  /** Completions per second over the last progress interval. */
  currentRps: number;
  /** Latency percentiles of the requests completed in the last progress interval. */
  recentLatencyMs: { p50: number; p99: number };
  target: { requests?: number; durationMs?: number };
  done: boolean;
}

export interface LoadOptions {
  /** The stage URL, e.g. https://{api}.execute-api.{region}.amazonaws.com/prod — requests go to {baseUrl}/users/{id}. */
  baseUrl: string;
  users?: string[];
  mode: LoadMode;
  /** Stop scheduling after this many ms. Default 60 000 when `requests` is not given either. */
  duration?: number;
  /** Stop after exactly this many requests. */
  requests?: number;
  /** Paths (relative to baseUrl) sent one after another before the run; reported apart. */
  warmup?: string[];
  signal?: AbortSignal;
  onProgress?: (snapshot: LoadSnapshot) => void;
  progressIntervalMs?: number;
  /** Every finished request, for callers that need more than the summary (tests, exports). */
  onSample?: (sample: RequestSample) => void;
  timeoutMs?: number;
  /**
   * Rate mode: socket pool size (default 512). Requests beyond it wait in the agent's queue, and that
   * wait is part of their latency; it keeps a slow target from exhausting file descriptors.
   */
  maxConnections?: number;
  clock?: LoadClock;
  /** [0,1) source for picking users. */
  random?: () => number;
}

export interface WarmupReport {
  sent: number;
  byStatus: Record<string, number>;
  errors: number;
  sampled: number;
}

export interface LoadReport {
  mode: LoadMode;
  /** Requests started in the measured run (warm-up excluded). */
  sent: number;
  /** Requests that ended with a response or a transport error. */
  completed: number;
  /** In-flight requests cut off by an abort. */
  cancelled: number;
  durationS: number;
  /** Completed requests per second. */
  rps: number;
  byStatus: Record<string, number>;
  /**
   * Exact percentiles (nearest rank) over every recorded response. In rate mode latency runs from
   * the *scheduled* start, so a stalled server or generator cannot hide queueing (no coordinated omission).
   */
  latencyMs: Omit<Percentiles, 'count'>;
  errors: number;
  errorsByCode: Record<string, number>;
  /** Responses whose X-Amzn-Trace-Id header says Sampled=1. */
  sampled: number;
  aborted: boolean;
  warmup?: WarmupReport;
}

export const DEFAULT_USERS: readonly string[] = ['user123', 'user456', 'nonexistent', 'user789'];

/** The lab's manual test requests (step 5): one found user, one missing user, then ten more of the first. */
export const LAB_WARMUP_PATHS: readonly string[] = [
  '/users/user123',
  '/users/nonexistent',
  ...Array.from({ length: 10 }, () => '/users/user123'),
];
