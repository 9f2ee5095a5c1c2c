/**
 * GetTraceSummaries and BatchGetTraces (https://docs.aws.amazon.com/xray/latest/api/API_GetTraceSummaries.html,
 * API_BatchGetTraces.html). Scans run over the compact index; the returned page's summaries are read
 * from SQLite, where ingest stored them. Newest first; NextToken is an opaque keyset cursor.
 * Left out on purpose: groups (none exist locally), Insights.
 */
import { createHash } from 'node:crypto';
import type { BatchGetTracesRequest, BatchGetTracesResult, GetTraceSummariesRequest, GetTraceSummariesResult, Trace } from '@aws-sdk/client-xray';
import { ServiceError } from '../core/errors.js';
import { epochSeconds, invalidRequest } from './request.js';
import type { SegmentDoc } from './segments.js';
import type { TraceStore } from './store.js';
import type { TraceIndex } from './trace-index.js';
import { parseFilter } from './filter/parser.js';
import { mentionsGroup, type Expr } from './filter/ast.js';
import { evaluate, type EvalTrace } from './filter/evaluate.js';
import { computeRootCauses, type RootCauses } from './rootcause.js';
import { decodeStoredSummary, summaryWireText } from './summary.js';
import type { TraceModel } from './model.js';

export const SUMMARIES_PAGE_SIZE = 100;
/** Fraction kept when `Sampling: true` comes without a SamplingStrategy (AWS does not document its default). */
export const DEFAULT_SAMPLING_FRACTION = 0.1;
const MAX_BATCH_IDS = 5;


interface Cursor {
  s: number;
  i: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.s === 'number' && typeof c.i === 'string') return c;
  } catch {
    // fall through
  }
  throw invalidRequest('Invalid NextToken');
}

/** Deterministic per-trace draw in [0, 1), so sampled pages agree across calls. */
function draw(traceId: string): number {
  return createHash('sha1').update(traceId).digest().readUInt32BE(0) / 2 ** 32;
}

/** Lazily assembles a stored trace for block filters and summaries, once per query. */
export function evalTrace(store: TraceStore, idx: TraceIndex): EvalTrace {
  let full: { model: TraceModel; rootCauses: RootCauses } | undefined;
  return {
    idx,
    ctx: store.ctx,
    full() {
      if (!full) {
        const model = store.loadModel(idx.id);
        if (!model) throw new ServiceError('InternalFailure', `trace ${idx.id} vanished during the query`, 500);
        full = { model, rootCauses: computeRootCauses(model) };
      }
      return full;
    },
  };
}

export function compileFilter(expression: string | undefined): Expr | undefined {
  if (expression === undefined || expression.trim() === '') return undefined;
  if (expression.length > 2000) throw invalidRequest('FilterExpression must be at most 2000 characters');
  const expr = parseFilter(expression);
  if (mentionsGroup(expr)) throw invalidRequest('Group not found: the local X-Ray has no groups, so group.name and group.arn match nothing');
  return expr;
}

/** One GetTraceSummaries page: its traces' stored summary texts and the page's other members. */
interface SummariesPage {
  /** Stored summaries (summary.ts), in result order. */
  texts: string[];
  /** Per text, MatchedEventTime in epoch seconds (Event time ranges only). */
  matchedEventTimes?: number[];
  approximateTime: Date;
  processed: number;
  nextToken?: string;
}

/** GetTraceSummaries as the SDK's output shape (tests and in-process callers). */
export function getTraceSummaries(store: TraceStore, input: GetTraceSummariesRequest): GetTraceSummariesResult {
  const p = summariesPage(store, input);
  return {
    TraceSummaries: p.texts.map((text, i) => decodeStoredSummary(text, p.matchedEventTimes?.[i])),
    ApproximateTime: p.approximateTime,
    TracesProcessedCount: p.processed,
    ...(p.nextToken !== undefined ? { NextToken: p.nextToken } : {}),
  };
}

/**
 * GetTraceSummaries as its restJson response body: the stored summaries spliced in as they are, the
 * same bytes serialising getTraceSummaries' result gives, without parsing 100 summaries to write them again.
 */
export function getTraceSummariesBody(store: TraceStore, input: GetTraceSummariesRequest): string {
  const p = summariesPage(store, input);
  const summaries = p.texts.map((text, i) => summaryWireText(text, p.matchedEventTimes?.[i])).join(',');
  const next = p.nextToken !== undefined ? `,"NextToken":${JSON.stringify(p.nextToken)}` : '';
  return `{"TraceSummaries":[${summaries}],"ApproximateTime":${JSON.stringify(p.approximateTime.getTime() / 1000)},"TracesProcessedCount":${p.processed}${next}}`;
}

function summariesPage(store: TraceStore, input: GetTraceSummariesRequest): SummariesPage {
  const from = epochSeconds(input.StartTime, 'StartTime');
  const to = epochSeconds(input.EndTime, 'EndTime');
  if (to <= from) throw invalidRequest('EndTime must be after StartTime');
  const rangeType = input.TimeRangeType ?? 'TraceId';
  if (!['TraceId', 'Event', 'Service'].includes(rangeType)) throw invalidRequest(`Invalid TimeRangeType: ${rangeType}`);
  const strategy = input.SamplingStrategy;
  if (strategy?.Name !== undefined && !['PartialScan', 'FixedRate'].includes(strategy.Name)) throw invalidRequest(`Invalid SamplingStrategy name: ${strategy.Name}`);
  const fraction = input.Sampling ? Math.min(1, Math.max(0, strategy?.Value ?? DEFAULT_SAMPLING_FRACTION)) : 1;
  const scanOnlySample = input.Sampling === true && strategy?.Name === 'PartialScan';
  const filter = compileFilter(input.FilterExpression);
  const cursor = input.NextToken ? decodeCursor(input.NextToken) : undefined;
  store.maybeSweep();

  const inWindow = (t: TraceIndex): boolean => {
    if (rangeType === 'TraceId') return t.idEpoch >= Math.floor(from) && t.idEpoch < to;
    if (rangeType === 'Service') return t.end >= from && t.end < to;
    return t.start < to && t.end >= from;
  };
  // The window as a range of start times (newestFirst walks start order): widened by how far end and
  // id times are known to stray from start, then checked exactly per trace.
  const spread = store.spread;
  const [fromStart, toStart] = rangeType === 'TraceId' ? [Math.floor(from) - spread.idLead, to + spread.idLag + 1] : [from - spread.span, to];
  const matches = (t: TraceIndex) => !filter || evaluate(filter, evalTrace(store, t));
  // TracesProcessedCount counts this page's scan only, so the pages of one listing add up to the window.
  let processed = 0;
  let lookahead = 0;
  let more = false;
  const page: TraceIndex[] = [];
  for (const t of store.newestFirst(fromStart, toStart, cursor && { start: cursor.s, id: cursor.i })) {
    if (!inWindow(t)) continue;
    const sampledOut = fraction < 1 && draw(t.id) >= fraction;
    if (sampledOut && scanOnlySample) continue;
    if (page.length === SUMMARIES_PAGE_SIZE) {
      // Page full: look for one more match, so the last page carries no NextToken. What this scans is
      // scanned (and counted) again by the next page.
      lookahead++;
      if (!sampledOut && matches(t)) {
        more = true;
        break;
      }
      continue;
    }
    processed++;
    if (!sampledOut && matches(t)) page.push(t);
  }
  if (!more) processed += lookahead;
  const last = page[page.length - 1];
  return {
    // The page's summaries were built at ingest: one read of its stored rows, no document parsed.
    texts: store.summaryTexts(page),
    ...(rangeType === 'Event' ? { matchedEventTimes: page.map((t) => Math.max(from, t.start)) } : {}),
    approximateTime: new Date(Math.round((more ? last.start : from) * 1000)),
    processed,
    ...(more ? { nextToken: encodeCursor({ s: last.start, i: last.id }) } : {}),
  };
}

export function batchGetTraces(store: TraceStore, input: BatchGetTracesRequest): BatchGetTracesResult {
  if (input.NextToken !== undefined) throw invalidRequest('NextToken is currently not supported');
  const ids = input.TraceIds;
  if (!Array.isArray(ids) || ids.length === 0) throw invalidRequest('TraceIds is required');
  if (ids.length > MAX_BATCH_IDS) throw invalidRequest(`Exceeding maximum query size: ${MAX_BATCH_IDS}`);
  store.maybeSweep();
  const Traces: Trace[] = [];
  const UnprocessedTraceIds: string[] = [];
  for (const id of ids) {
    const t = typeof id === 'string' ? store.loadTrace(id) : undefined;
    const segments = t && serialisedSegments(t.segments);
    if (!t || !segments) {
      UnprocessedTraceIds.push(String(id));
      continue;
    }
    Traces.push({ Id: t.id, Duration: t.duration, LimitExceeded: t.limitExceeded, Segments: segments });
  }
  return { Traces, UnprocessedTraceIds };
}

/**
 * The documents of one trace as BatchGetTraces answers them, or undefined when one cannot be written
 * back (a document stored before ingest refused very deep nesting overflows JSON.stringify): that
 * trace is reported unprocessed instead of failing the whole call.
 */
function serialisedSegments(segments: SegmentDoc[]): { Id: string; Document: string }[] | undefined {
  try {
    return segments.map((s) => ({ Id: s.id, Document: JSON.stringify(s) }));
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
