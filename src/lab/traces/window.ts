/**
 * Parsing of the trace commands' inputs: time windows (`--since 10m`, `--start/--end`), `--limit`
 * and trace ids. Every rejection is a UserError with one sentence, so the CLI exits 2.
 */
import { DAY_MS, durationMs } from '../duration.js';
import { UserError } from '../errors.js';

export const TRACE_ID_PATTERN = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/** `90s`, `10m`, `1h`, `2d`, `1.5h` → milliseconds (the grammar of src/lab/duration.ts; a unit is required). */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new UserError(`${flag} takes a duration such as 30s, 10m, 1h or 2d, got "${text}".`);
  return ms;
}

/** Like parseDuration but 0 (or "0s") is allowed: used for "do not wait". */
export function parseWait(text: string): number {
  const ms = durationMs(text, { allowZero: true });
  if (ms === undefined) throw new UserError(`--wait takes a duration such as 30s, 10m, 1h or 2d, got "${text}".`);
  return ms;
}

/** ISO-8601 (`2024-06-10T12:00:00Z`) or epoch seconds, like the AWS CLI accepts. */
export function parseTime(text: string, flag: string): Date {
  const t = text.trim();
  const d = /^\d+(\.\d+)?$/.test(t) ? new Date(Number(t) * 1000) : /^\d{4}-\d{2}-\d{2}/.test(t) ? new Date(t) : new Date(NaN);
  if (Number.isNaN(d.getTime())) {
    throw new UserError(`${flag} takes an ISO-8601 time (e.g. 2024-06-10T12:00:00Z) or epoch seconds, got "${text}".`);
  }
  return d;
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface WindowFlags {
  since?: string;
  start?: string;
  end?: string;
}

/** X-Ray keeps traces for 30 days; a wider window can only be a mistake. */
const MAX_WINDOW_MS = 30 * DAY_MS;

export function resolveWindow(flags: WindowFlags, nowMs: number, defaultSince: string): TimeWindow {
  if (flags.since !== undefined && (flags.start !== undefined || flags.end !== undefined)) {
    throw new UserError('Give either --since or --start/--end, not both.');
  }
  if (flags.start === undefined && flags.end !== undefined) throw new UserError('--end needs --start too.');
  if (flags.start !== undefined) {
    const start = parseTime(flags.start, '--start');
    const end = flags.end !== undefined ? parseTime(flags.end, '--end') : new Date(nowMs);
    if (end.getTime() <= start.getTime()) throw new UserError('--end must be later than --start.');
    if (end.getTime() - start.getTime() > MAX_WINDOW_MS) throw new UserError('The time window can be at most 30 days, X-Ray\'s retention.');
    return { start, end };
  }
  const since = parseDuration(flags.since ?? defaultSince, '--since');
  if (since > MAX_WINDOW_MS) throw new UserError('--since can be at most 30d, X-Ray\'s retention.');
  return { start: new Date(nowMs - since), end: new Date(nowMs) };
}

export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 10_000) {
    throw new UserError(`--limit takes a whole number from 1 to 10000, got "${text}".`);
  }
  return n;
}

export function checkTraceId(id: string): string {
  const t = id.trim();
  if (!TRACE_ID_PATTERN.test(t)) {
    throw new UserError(`"${id}" is not an X-Ray trace id; they look like 1-5f84c7a1-0123456789abcdef01234567.`);
  }
  return t;
}
