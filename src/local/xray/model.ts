/**
 * The service view of one assembled trace: which node (name, type, account) each segment belongs to,
 * which node called which (edges, with the caller's subsegment as the evidence), and the entry
 * point. Summaries, the filter language and the service graph all read this one model.
 */
import type { AssembledTrace } from './assemble.js';
import type { EntityDoc, SegmentDoc } from './segments.js';

export interface ServiceIdentity {
  name: string;
  type?: string;
  accountId?: string;
}

export interface ModelNode extends ServiceIdentity {
  key: string;
  inferred: boolean;
  root: boolean;
  segments: SegmentDoc[];
}

/** A call from one node to another. `calls` are the caller's subsegments (or the child segment itself
 * when a segment is parented directly on another segment, as Lambda's function segment is). */
export interface ModelEdge {
  from: number;
  to: number;
  calls: EntityDoc[];
}

export interface TraceModel {
  trace: AssembledTrace;
  root?: SegmentDoc;
  rootNode: number;
  nodes: ModelNode[];
  edges: ModelEdge[];
  nodeOfSegment: Map<SegmentDoc, number>;
  /** Segment that owns each entity id (a segment owns itself and its subsegments). */
  ownerOf: Map<string, SegmentDoc>;
  partial: boolean;
  hasInferred: boolean;
}

function accountFromArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  return parts.length > 4 && /^\d{12}$/.test(parts[4]) ? parts[4] : undefined;
}

export function segmentIdentity(seg: SegmentDoc): ServiceIdentity {
  const aws = (seg.aws ?? {}) as Record<string, unknown>;
  const apigw = aws.api_gateway as Record<string, unknown> | undefined;
  const account =
    (typeof aws.account_id === 'string' ? aws.account_id : undefined) ??
    (typeof apigw?.account_id === 'string' ? apigw.account_id : undefined) ??
    accountFromArn(seg.resource_arn);
  // X-Ray names an inferred DynamoDB segment "DynamoDB" but the table's node after the table (xray-api-gettingdata.html).
  const name = seg.inferred && seg.origin === 'AWS::DynamoDB::Table' && typeof aws.table_name === 'string' ? aws.table_name : seg.name;
  // Assigned, not spread in: conditional spreads take V8's slow generic copy, once per segment at ingest.
  const id: ServiceIdentity = { name };
  if (seg.origin) id.type = seg.origin;
  if (account) id.accountId = account;
  return id;
}

export function identityKey(id: ServiceIdentity): string {
  return `${id.name}\u0000${id.type ?? ''}\u0000${id.accountId ?? ''}`;
}

function register(e: EntityDoc, owner: SegmentDoc, into: Map<string, EntityDoc>, owners: Map<string, SegmentDoc>): void {
  into.set(e.id, e);
  owners.set(e.id, owner);
  if (e.subsegments) for (const s of e.subsegments) register(s, owner, into, owners);
}

function anyInProgress(e: EntityDoc): boolean {
  if (e.in_progress) return true;
  return (e.subsegments ?? []).some(anyInProgress);
}

export function buildModel(trace: AssembledTrace): TraceModel {
  const nodes: ModelNode[] = [];
  const byKey = new Map<string, number>();
  const nodeOfSegment = new Map<SegmentDoc, number>();
  const entities = new Map<string, EntityDoc>();
  const ownerOf = new Map<string, SegmentDoc>();
  for (const seg of trace.segments) {
    const ident = segmentIdentity(seg);
    const key = identityKey(ident);
    let n = byKey.get(key);
    if (n === undefined) {
      n = nodes.length;
      byKey.set(key, n);
      // A literal with every field (no spread of the optional ones): spreading objects of varying shape
      // took the slow generic path and was most of ingest's model-building time.
      nodes.push({ name: ident.name, type: ident.type, accountId: ident.accountId, key, inferred: seg.inferred === true, root: false, segments: [] });
    }
    nodes[n].segments.push(seg);
    nodeOfSegment.set(seg, n);
    register(seg, seg, entities, ownerOf);
  }

  const edges: ModelEdge[] = [];
  const edgeIndex = new Map<string, ModelEdge>();
  const entries: SegmentDoc[] = [];
  for (const seg of trace.segments) {
    const caller = seg.parent_id === undefined ? undefined : ownerOf.get(seg.parent_id);
    if (!caller || caller === seg) {
      if (!seg.inferred) entries.push(seg);
      continue;
    }
    const from = nodeOfSegment.get(caller)!;
    const to = nodeOfSegment.get(seg)!;
    const via = entities.get(seg.parent_id!)!;
    const call = via === caller ? seg : via;
    const k = `${from}>${to}`;
    let edge = edgeIndex.get(k);
    if (!edge) {
      edge = { from, to, calls: [] };
      edgeIndex.set(k, edge);
      edges.push(edge);
    }
    edge.calls.push(call);
  }

  // The entry point: a segment nobody in the trace called; the earliest if several.
  const root = entries.sort((a, b) => a.start_time - b.start_time)[0];
  const rootNode = root ? nodeOfSegment.get(root)! : -1;
  if (rootNode >= 0) nodes[rootNode].root = true;

  const brokenCall = (s: EntityDoc): boolean => s.http?.request?.traced === true && !trace.segments.some((x) => x.parent_id === s.id && !x.inferred);
  let partial = trace.orphans.length > 0;
  for (const seg of trace.segments) {
    if (partial) break;
    if (anyInProgress(seg)) partial = true;
    else if (!seg.inferred) {
      const stack = [...(seg.subsegments ?? [])];
      while (stack.length && !partial) {
        const s = stack.pop()!;
        if (brokenCall(s)) partial = true;
        if (s.subsegments) stack.push(...s.subsegments);
      }
    }
  }
  return {
    trace, root, rootNode, nodes, edges, nodeOfSegment, ownerOf, partial,
    hasInferred: trace.segments.some((s) => s.inferred === true),
  };
}

/** Every entity of a segment, itself first. */
export function entitiesOf(seg: EntityDoc): EntityDoc[] {
  const out: EntityDoc[] = [seg];
  for (let i = 0; i < out.length; i++) if (out[i].subsegments) out.push(...out[i].subsegments!);
  return out;
}
