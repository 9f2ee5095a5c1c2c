/**
 * The X-Ray operations the local cloud serves, as plain functions over the SDK's own shapes, for the
 * restJson router to call. PutTraceSegments is here; the read operations live next to their logic.
 */
import type { PutTraceSegmentsRequest, PutTraceSegmentsResult } from '@aws-sdk/client-xray';
import { ServiceError } from '../core/errors.js';
import type { TraceStore } from './store.js';

export { batchGetTraces, getTraceSummaries, getTraceSummariesBody } from './summaries.js';
export { getServiceGraph, getTraceGraph } from './graph.js';

/** https://docs.aws.amazon.com/xray/latest/api/API_PutTraceSegments.html */
export function putTraceSegments(store: TraceStore, input: PutTraceSegmentsRequest): PutTraceSegmentsResult {
  const docs = input.TraceSegmentDocuments;
  if (!Array.isArray(docs)) throw new ServiceError('InvalidRequestException', 'TraceSegmentDocuments is required', 400);
  if (docs.some((d) => typeof d !== 'string')) throw new ServiceError('InvalidRequestException', 'TraceSegmentDocuments must be a list of strings', 400);
  return store.putTraceSegments(docs);
}
