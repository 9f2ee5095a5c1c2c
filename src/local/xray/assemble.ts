/**
 * Assembly: a trace's stored documents turned into what BatchGetTraces returns — independent
 * subsegments merged into their parent (a segment or any embedded subsegment, at any depth), and an
 * inferred segment for every `aws`/`remote` call whose callee sent no segment of its own
 * (AWS developer guide, "Segment documents" and "Getting data from X-Ray").
 */
import { createHash } from 'node:crypto';
import type { EntityDoc, SegmentDoc } from './segments.js';

export interface AssembledTrace {
  id: string;
  /** Real segments first (by start time), then inferred ones. */
  segments: SegmentDoc[];
  /** Independent subsegments whose parent has not arrived (yet). */
  orphans: SegmentDoc[];
  start: number;
  end: number;
  duration: number;
  /** Total size of the stored documents. */
  bytes: number;
  limitExceeded: boolean;
}

/** AWS guarantees at least 100 KB per trace and historically capped it at 500 KB. */
export const TRACE_SIZE_LIMIT = 500 * 1024;

function endOf(e: EntityDoc): number {
  return typeof e.end_time === 'number' ? e.end_time : e.start_time;
}

function byStart(a: EntityDoc, b: EntityDoc): number {
  return a.start_time - b.start_time;
}

/** Register an entity and all its embedded subsegments under their ids. */
function indexEntities(e: EntityDoc, into: Map<string, EntityDoc>): void {
  into.set(e.id, e);
  if (e.subsegments) for (const s of e.subsegments) indexEntities(s, into);
}

function asEmbedded(doc: SegmentDoc): EntityDoc {
  const { type: _t, trace_id: _tr, parent_id: _p, ...rest } = doc;
  return rest as EntityDoc;
}

/** Deterministic so repeated reads of a trace agree on the inferred segment's id. */
export function inferredSegmentId(traceId: string, subsegmentId: string): string {
  return createHash('sha1').update(`${traceId}/${subsegmentId}`).digest('hex').slice(0, 16);
}

function remoteHost(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Name and origin of the segment X-Ray infers for a downstream call. A DynamoDB call's inferred segment
 * keeps the name DynamoDB (origin AWS::DynamoDB::Table); only its service-graph node is named after the
 * table (segmentIdentity in model.ts), as in AWS's BatchGetTraces example (xray-api-gettingdata.html).
 */
export function inferredIdentity(sub: EntityDoc): { name: string; origin: string } {
  const aws = sub.aws ?? {};
  if (sub.namespace === 'remote') return { name: remoteHost(sub.http?.request?.url) ?? sub.name, origin: 'remote' };
  if (sub.name === 'DynamoDB' && typeof aws.table_name === 'string') return { name: sub.name, origin: 'AWS::DynamoDB::Table' };
  if (sub.name === 'Lambda' && typeof aws.function_name === 'string') return { name: aws.function_name, origin: 'AWS::Lambda' };
  return { name: sub.name, origin: `AWS::${sub.name}` };
}

function makeInferred(traceId: string, sub: EntityDoc): SegmentDoc {
  const { name, origin } = inferredIdentity(sub);
  const doc: SegmentDoc = {
    id: inferredSegmentId(traceId, sub.id), name, origin, trace_id: traceId, parent_id: sub.id,
    start_time: sub.start_time, inferred: true,
  };
  if (sub.in_progress) doc.in_progress = true;
  else doc.end_time = sub.end_time;
  if (sub.http) doc.http = sub.http;
  if (sub.aws) doc.aws = sub.aws;
  for (const f of ['error', 'fault', 'throttle'] as const) if (sub[f]) doc[f] = true;
  if (sub.cause) doc.cause = sub.cause;
  return doc;
}

function walk(e: EntityDoc, visit: (s: EntityDoc) => void): void {
  if (!e.subsegments) return;
  for (const s of e.subsegments) {
    visit(s);
    walk(s, visit);
  }
}

/**
 * Assemble one trace. Takes ownership of `docs` (freshly parsed objects): independent subsegments
 * are moved into their parents in place.
 */
export function assembleTrace(traceId: string, docs: SegmentDoc[], totalBytes = 0): AssembledTrace {
  const real = docs.filter((d) => d.type !== 'subsegment').sort(byStart);
  const entities = new Map<string, EntityDoc>();
  for (const s of real) indexEntities(s, entities);

  // Parents may themselves be independent subsegments that arrive in any order: attach until stable.
  let pending = docs.filter((d) => d.type === 'subsegment');
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const next: SegmentDoc[] = [];
    for (const sub of pending) {
      const parent = sub.parent_id === undefined ? undefined : entities.get(sub.parent_id);
      if (!parent || entities.has(sub.id)) {
        if (!entities.has(sub.id)) next.push(sub);
        continue;
      }
      const embedded = asEmbedded(sub);
      (parent.subsegments ??= []).push(embedded);
      parent.subsegments.sort(byStart);
      indexEntities(embedded, entities);
      progress = true;
    }
    pending = next;
  }

  const calledBy = new Set<string>();
  for (const s of real) if (s.parent_id) calledBy.add(s.parent_id);
  const inferred: SegmentDoc[] = [];
  for (const seg of real) {
    walk(seg, (sub) => {
      if ((sub.namespace === 'aws' || sub.namespace === 'remote') && !calledBy.has(sub.id)) inferred.push(makeInferred(traceId, sub));
    });
  }

  const all = [...real, ...inferred, ...pending];
  let start = Infinity;
  let end = -Infinity;
  for (const s of all) {
    start = Math.min(start, s.start_time);
    end = Math.max(end, endOf(s));
  }
  if (all.length === 0) start = end = 0;
  return {
    id: traceId, segments: [...real, ...inferred], orphans: pending, start, end,
    duration: Math.max(0, end - start), bytes: totalBytes, limitExceeded: totalBytes > TRACE_SIZE_LIMIT,
  };
}
