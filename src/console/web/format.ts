/** Numbers and health as the X-Ray console shows them: milliseconds, per-minute rates, ok/error/fault/throttle. */

export function ms(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '–';
  const v = seconds * 1000;
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
}

export function perMinute(count: number, windowMs: number): string {
  if (!(windowMs > 0)) return '–';
  const r = count / (windowMs / 60_000);
  return `${r >= 10 ? Math.round(r) : r.toFixed(1)}/min`;
}

export type Health = 'ok' | 'error' | 'fault' | 'throttle';

export interface HealthCounts {
  ok: number;
  error: number;
  fault: number;
  throttle: number;
  total: number;
  responseTime: number;
}

interface StatsLike {
  OkCount?: number;
  TotalCount?: number;
  TotalResponseTime?: number;
  ErrorStatistics?: { ThrottleCount?: number; OtherCount?: number; TotalCount?: number };
  FaultStatistics?: { TotalCount?: number };
}

export function healthOf(s: StatsLike | undefined): HealthCounts {
  const throttle = s?.ErrorStatistics?.ThrottleCount ?? 0;
  const error = s?.ErrorStatistics?.OtherCount ?? Math.max(0, (s?.ErrorStatistics?.TotalCount ?? 0) - throttle);
  const fault = s?.FaultStatistics?.TotalCount ?? 0;
  const total = s?.TotalCount ?? 0;
  return { ok: s?.OkCount ?? Math.max(0, total - error - fault - throttle), error, fault, throttle, total, responseTime: s?.TotalResponseTime ?? 0 };
}

/** The worst outcome present, for a trace or a segment's colour. */
export function worst(f: { fault?: boolean; throttle?: boolean; error?: boolean }): Health {
  return f.fault ? 'fault' : f.throttle ? 'throttle' : f.error ? 'error' : 'ok';
}

export function statusHealth(status: number | undefined): Health {
  if (status === undefined) return 'ok';
  return status === 429 ? 'throttle' : status >= 500 ? 'fault' : status >= 400 ? 'error' : 'ok';
}

/** X-Ray trace ids carry their start (epoch seconds, hex) in the second field. */
export function traceIdTime(id: string): Date | undefined {
  const m = /^1-([0-9a-f]{8})-/.exec(id);
  return m ? new Date(parseInt(m[1]!, 16) * 1000) : undefined;
}

export function clock(d: Date | undefined): string {
  return d ? d.toLocaleTimeString([], { hour12: false }) : '–';
}

/** A string for any X-Ray filter literal. */
export const quote = (s: string): string => JSON.stringify(s);
