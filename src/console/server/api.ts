/**
 * The console's JSON API: the X-Ray reads of `xray-lab traces` (src/lab/traces/query.ts) behind GET
 * routes, plus the lab page. Each answer keeps the X-Ray API's own shapes so the page reads what the
 * AWS CLI would print. A bad input is a 400 with one sentence; an X-Ray failure a 502 naming it.
 */
import type { XRayClient } from '@aws-sdk/client-xray';
import { errorCode } from '../../lab/aws-errors.js';
import { isAwsSdkError, UserError } from '../../lab/errors.js';
import { batchGetTraces, getServiceGraph, getTraceSummaries } from '../../lab/traces/query.js';
import { checkTraceId, parseLimit, resolveWindow, type TimeWindow } from '../../lab/traces/window.js';
import type { LabPage } from './lab-page.js';

export const DEFAULT_SINCE = '15m';
/** Enough for the histogram to be honest; the X-Ray console also stops at a thousand. */
export const DEFAULT_TRACE_LIMIT = 1_000;

export interface ConsoleSource {
  xray: XRayClient;
  target: 'local' | 'aws';
  region: string;
  lab(): Promise<LabPage>;
  now?: () => number;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** `?since=15m` or `?start=&end=` (ISO or epoch seconds), with the CLI's own rules and messages. */
function windowOf(q: URLSearchParams, now: number): TimeWindow {
  const flags = {
    ...(q.get('since') ? { since: q.get('since')! } : {}),
    ...(q.get('start') ? { start: q.get('start')! } : {}),
    ...(q.get('end') ? { end: q.get('end')! } : {}),
  };
  return resolveWindow(flags, now, DEFAULT_SINCE);
}

export async function answerApi(path: string, q: URLSearchParams, source: ConsoleSource, signal: AbortSignal): Promise<ApiAnswer> {
  const now = (source.now ?? Date.now)();
  try {
    if (path === '/api/graph') {
      const w = windowOf(q, now);
      return { status: 200, body: await getServiceGraph(source.xray, w, signal) };
    }
    if (path === '/api/traces') {
      const w = windowOf(q, now);
      const filter = q.get('filter')?.trim() || undefined;
      const limit = parseLimit(q.get('limit') ?? undefined, DEFAULT_TRACE_LIMIT);
      const r = await getTraceSummaries(source.xray, { ...w, limit, ...(filter ? { filter } : {}) }, signal);
      return { status: 200, body: { ...r, StartTime: w.start, EndTime: w.end } };
    }
    if (path.startsWith('/api/trace/')) {
      const id = checkTraceId(decodeURIComponent(path.slice('/api/trace/'.length)));
      const r = await batchGetTraces(source.xray, [id], signal);
      const trace = r.Traces[0];
      if (!trace) return { status: 404, body: { error: `X-Ray has no trace ${id} (yet): traces take a moment to appear, and X-Ray keeps them 30 days.` } };
      return { status: 200, body: trace };
    }
    if (path === '/api/lab') return { status: 200, body: await source.lab() };
    if (path === '/api/session') return { status: 200, body: { target: source.target, region: source.region } };
    return { status: 404, body: { error: `The console has no ${path}; its API is /api/graph, /api/traces, /api/trace/<id> and /api/lab.` } };
  } catch (e) {
    if (e instanceof UserError) return { status: 400, body: { error: e.message } };
    if (isAwsSdkError(e)) {
      const status = e.$metadata.httpStatusCode === 429 || errorCode(e) === 'ThrottledException' ? 429 : 502;
      return { status, body: { error: `X-Ray answered ${e.name}: ${e.message}` } };
    }
    if (signal.aborted) return { status: 499, body: { error: 'The request was cancelled.' } };
    return { status: 502, body: { error: `Could not reach X-Ray: ${(e as Error).message}` } };
  }
}
