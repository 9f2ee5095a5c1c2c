/**
 * Reading events back: GetLogEvents' forward/backward tokens and FilterLogEvents' term patterns.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
import { ServiceError, notImplemented } from '../../core/errors.js';
import type { Cursor, EventRow, LogStore } from './store.js';

export const invalidParameter = (message: string): ServiceError => new ServiceError('InvalidParameterException', message, 400);

/** Tokens are opaque to clients; ours carry the (timestamp, id) position of the edge event. */
export function encodeToken(direction: 'f' | 'b', c: Cursor): string {
  return `${direction}/${c.ts}/${c.id}`;
}

export function decodeToken(token: string): { direction: 'f' | 'b'; cursor: Cursor } {
  const m = /^([fb])\/(-?\d+)\/(\d+)$/.exec(token);
  if (!m) throw invalidParameter('The specified nextToken is invalid.');
  return { direction: m[1] as 'f' | 'b', cursor: { ts: Number(m[2]), id: Number(m[3]) } };
}

export interface GetEventsInput {
  group: string;
  stream: string;
  start?: number;
  end?: number;
  token?: string;
  limit: number;
  startFromHead: boolean;
}

/**
 * Like CloudWatch: without a token the first page is the head (startFromHead) or the tail; at the end
 * of the stream the same token comes back, which is how clients know to stop.
 */
export function getLogEvents(store: LogStore, q: GetEventsInput): { events: EventRow[]; nextForwardToken: string; nextBackwardToken: string } {
  const base = { group: q.group, streams: [q.stream], start: q.start, end: q.end, limit: q.limit };
  const token = q.token ? decodeToken(q.token) : undefined;
  const forward = token ? token.direction === 'f' : q.startFromHead;
  let events: EventRow[];
  if (forward) events = store.events({ ...base, after: token?.cursor });
  else events = store.events({ ...base, before: token?.cursor, descending: true }).reverse();
  const origin: Cursor = token?.cursor ?? (forward ? { ts: Number.MIN_SAFE_INTEGER, id: 0 } : { ts: Number.MAX_SAFE_INTEGER, id: 0 });
  const first = events[0];
  const last = events[events.length - 1];
  return {
    events,
    nextForwardToken: encodeToken('f', last ? { ts: last.ts, id: last.id } : origin),
    nextBackwardToken: encodeToken('b', first ? { ts: first.ts, id: first.id } : origin),
  };
}

interface Term {
  text: string;
  kind: 'required' | 'optional' | 'excluded';
}

/** Term patterns: `ERROR`, `"exact phrase"`, `ERROR -Retry` (exclude), `?ERROR ?WARN` (either). Case-sensitive. */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const p = (pattern ?? '').trim();
  if (p === '') return () => true;
  if (p.startsWith('{') || p.startsWith('[') || p.startsWith('%')) {
    throw notImplemented('CloudWatch Logs', 'JSON, space-delimited and regex filter patterns (only terms and quoted phrases)');
  }
  const terms: Term[] = [];
  for (const m of p.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const text = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    terms.push({ text, kind: m[1] === '?' ? 'optional' : m[1] === '-' ? 'excluded' : 'required' });
  }
  const required = terms.filter((t) => t.kind === 'required');
  const optional = terms.filter((t) => t.kind === 'optional');
  const excluded = terms.filter((t) => t.kind === 'excluded');
  return (message) =>
    required.every((t) => message.includes(t.text)) &&
    (optional.length === 0 || optional.some((t) => message.includes(t.text))) &&
    !excluded.some((t) => message.includes(t.text));
}

export interface FilterInput {
  group: string;
  streams?: string[];
  start?: number;
  end?: number;
  pattern?: string;
  token?: string;
  limit: number;
}

/** Interleaved across streams in (timestamp, id) order, scanning in batches so a selective pattern stays bounded in memory. */
export function filterLogEvents(store: LogStore, q: FilterInput): { events: EventRow[]; nextToken?: string } {
  const matches = compileFilterPattern(q.pattern);
  let after = q.token ? decodeFilterToken(q.token) : undefined;
  const out: EventRow[] = [];
  const batch = 1000;
  while (out.length < q.limit) {
    const rows = store.events({ group: q.group, streams: q.streams, start: q.start, end: q.end, after, limit: batch });
    for (const row of rows) {
      after = { ts: row.ts, id: row.id };
      if (matches(row.message)) out.push(row);
      if (out.length === q.limit) break;
    }
    if (rows.length < batch) break;
  }
  return { events: out, nextToken: hasMore(store, q, after) };
}

function hasMore(store: LogStore, q: FilterInput, after: Cursor | undefined): string | undefined {
  if (!after) return undefined;
  const more = store.events({ group: q.group, streams: q.streams, start: q.start, end: q.end, after, limit: 1 });
  return more.length ? Buffer.from(JSON.stringify(after)).toString('base64url') : undefined;
}

function decodeFilterToken(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (Number.isFinite(c.ts) && Number.isInteger(c.id)) return c;
  } catch {
    // fall through to the AWS error below
  }
  throw invalidParameter('The specified nextToken is invalid.');
}
