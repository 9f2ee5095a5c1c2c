/**
 * The X-Ray reads behind `traces` and step 6, on the real SDK client: GetTraceSummaries paged up to
 * a limit, BatchGetTraces in chunks of five (the API's maximum), GetServiceGraph paged. Outputs keep
 * the API's own shapes (minus the SDK's `$metadata`) so `--json` prints what the AWS CLI would.
 */
import type { GetServiceGraphCommandOutput, GetTraceSummariesCommandOutput, Service, Trace, TraceSummary, XRayClient } from '@aws-sdk/client-xray';
import { errorCode } from '../aws-errors.js';
import { UserError } from '../errors.js';
import type { TimeWindow } from './window.js';

export const BATCH_GET_MAX_IDS = 5;
/** Parallel BatchGetTraces calls: enough to be quick, few enough to stay under X-Ray's throttle. */
const BATCH_CONCURRENCY = 4;

export interface SummariesQuery extends TimeWindow {
  filter?: string;
  /** Stop paging once this many summaries are in hand. */
  limit: number;
}

/** The AWS CLI's merged view of all pages: result list concatenated, other keys from the first page. */
export interface SummariesResult {
  TraceSummaries: TraceSummary[];
  ApproximateTime?: Date;
  TracesProcessedCount?: number;
  /** Set when the limit cut paging short (the CLI prints NextToken after --max-items the same way). */
  NextToken?: string;
}

/** A rejected filter expression is the user's to fix: exit 2 with the service's own message (it names the position). */
function filterError(e: unknown, filter: string | undefined): unknown {
  if (filter === undefined || errorCode(e) !== 'InvalidRequestException') return e;
  const message = (e as Error).message || 'rejected by X-Ray';
  return new UserError(`The filter expression ${JSON.stringify(filter)} is not valid: ${message}`);
}

export async function getTraceSummaries(xray: XRayClient, q: SummariesQuery, signal?: AbortSignal): Promise<SummariesResult> {
  const { paginateGetTraceSummaries } = await import('@aws-sdk/client-xray');
  const result: SummariesResult = { TraceSummaries: [] };
  let token: string | undefined;
  let first = true;
  const pages = paginateGetTraceSummaries(
    { client: xray },
    { StartTime: q.start, EndTime: q.end, TimeRangeType: 'TraceId', ...(q.filter !== undefined ? { FilterExpression: q.filter } : {}) },
    { abortSignal: signal },
  );
  try {
    for await (const page of pages as AsyncIterable<GetTraceSummariesCommandOutput>) {
      if (first) {
        if (page.ApproximateTime) result.ApproximateTime = page.ApproximateTime;
        if (page.TracesProcessedCount !== undefined) result.TracesProcessedCount = page.TracesProcessedCount;
        first = false;
      }
      result.TraceSummaries.push(...(page.TraceSummaries ?? []));
      token = page.NextToken;
      if (result.TraceSummaries.length >= q.limit) break;
    }
  } catch (e) {
    throw filterError(e, q.filter);
  }
  if (result.TraceSummaries.length > q.limit) result.TraceSummaries.length = q.limit;
  if (token) result.NextToken = token;
  return result;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface TracesResult {
  Traces: Trace[];
  UnprocessedTraceIds: string[];
}

/** Full traces for the ids, in the order asked; ids X-Ray does not have (yet) end up in UnprocessedTraceIds. */
export async function batchGetTraces(xray: XRayClient, ids: readonly string[], signal?: AbortSignal): Promise<TracesResult> {
  const { BatchGetTracesCommand } = await import('@aws-sdk/client-xray');
  const chunks = chunk([...new Set(ids)], BATCH_GET_MAX_IDS);
  const pages: TracesResult[] = new Array(chunks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const i = next++;
      // No NextToken: X-Ray rejects it on BatchGetTraces ("NextToken is currently not supported").
      const out = await xray.send(new BatchGetTracesCommand({ TraceIds: chunks[i] }), { abortSignal: signal });
      pages[i] = { Traces: out.Traces ?? [], UnprocessedTraceIds: out.UnprocessedTraceIds ?? [] };
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, chunks.length) }, worker));
  const byId = new Map(pages.flatMap((p) => p.Traces).map((t) => [t.Id, t]));
  const order = [...new Set(ids)];
  const Traces = order.map((id) => byId.get(id)).filter((t): t is Trace => t !== undefined && (t.Segments ?? []).length > 0);
  const found = new Set(Traces.map((t) => t.Id));
  return { Traces, UnprocessedTraceIds: order.filter((id) => !found.has(id)) };
}

export interface ServiceGraphResult {
  Services: Service[];
  StartTime?: Date;
  EndTime?: Date;
  ContainsOldGroupVersions?: boolean;
}

export async function getServiceGraph(xray: XRayClient, w: TimeWindow, signal?: AbortSignal): Promise<ServiceGraphResult> {
  const { paginateGetServiceGraph } = await import('@aws-sdk/client-xray');
  const result: ServiceGraphResult = { Services: [] };
  let first = true;
  for await (const page of paginateGetServiceGraph({ client: xray }, { StartTime: w.start, EndTime: w.end }, { abortSignal: signal }) as AsyncIterable<GetServiceGraphCommandOutput>) {
    if (first) {
      if (page.StartTime) result.StartTime = page.StartTime;
      if (page.EndTime) result.EndTime = page.EndTime;
      if (page.ContainsOldGroupVersions !== undefined) result.ContainsOldGroupVersions = page.ContainsOldGroupVersions;
      first = false;
    }
    result.Services.push(...(page.Services ?? []));
  }
  return result;
}
