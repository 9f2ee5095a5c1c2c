/**
 * Turns a BatchGetTraces `Trace` (segment documents as JSON strings) into one tree of spans.
 *
 * X-Ray links pieces by id: subsegments are embedded in their segment, and a segment's `parent_id`
 * names the *subsegment* that called it (API GW `Lambda` subsegment → AWS::Lambda segment; DynamoDB
 * subsegment → inferred table segment). Independent subsegments that were not merged yet
 * (`type: "subsegment"`) are attached by `parent_id` too, so raw daemon output works as well.
 */
import type { Trace } from '@aws-sdk/client-xray';

export type SpanKind = 'segment' | 'subsegment';
export type SpanStatus = 'ok' | 'error' | 'fault' | 'throttle' | 'pending';

export interface SpanException {
  type: string;
  message: string;
  remote: boolean;
}

export interface Span {
  id: string;
  kind: SpanKind;
  /** Document name (for inferred DynamoDB segments this is "DynamoDB"). */
  name: string;
  /** Name as the service graph shows the node: inferred table segments use the table name. */
  displayName: string;
  /** `origin` for segments, `namespace` for subsegments (may be empty). */
  origin: string;
  inferred: boolean;
  /** Seconds since the epoch. `end` is clamped to `start` when missing. */
  start: number;
  end: number;
  inProgress: boolean;
  error: boolean;
  fault: boolean;
  throttle: boolean;
  httpStatus?: number;
  httpMethod?: string;
  httpUrl?: string;
  annotations: Record<string, string | number | boolean>;
  exceptions: SpanException[];
  /** A `cause` given as a bare exception id (refers to an exception recorded elsewhere). */
  causeRef?: string;
  parentId?: string;
  /** What recorded it: 'OpenTelemetry', 'X-Ray SDK', 'Lambda' or the AWS service's origin (see recordedBy); for a segment, only when it names its SDK. */
  recordedBy?: string;
  /** The segment this span belongs to (itself for segments). */
  segment: Span | null;
  children: Span[];
}

export interface SpanTree {
  traceId: string;
  /** Spans without a known parent, by start time (one for a complete lab trace). */
  roots: Span[];
  /** Every span by id. */
  byId: Map<string, Span>;
  start: number;
  end: number;
  /** True when a span is in progress or a parent_id points at nothing we have. */
  partial: boolean;
}

type Doc = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Doc | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;

function parseAnnotations(v: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) {
    if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k] = val;
  }
  return out;
}

function parseCause(v: unknown): { exceptions: SpanException[]; causeRef?: string } {
  if (typeof v === 'string') return { exceptions: [], causeRef: v };
  const list = obj(v)?.exceptions;
  if (!Array.isArray(list)) return { exceptions: [] };
  return {
    exceptions: list.map((e) => {
      const ex = obj(e) ?? {};
      return { type: str(ex.type) ?? 'Error', message: str(ex.message) ?? '', remote: ex.remote === true };
    }),
  };
}

/**
 * Which instrumentation produced a subsegment. A span translated from OpenTelemetry carries
 * `aws.xray.sdk` (from the resource's telemetry.sdk.*, e.g. "opentelemetry for nodejs"), as does a
 * document from an X-Ray SDK that names itself. In Lambda the X-Ray SDK's segment is the facade, so its
 * subsegments name no SDK; Lambda's own (Initialization, Invocation, Overhead) carry the function ARN,
 * and a service that records its own segment (API Gateway) records its subsegments too.
 */
function recordedBy(aws: Doc | undefined, parent: Span | undefined, segment: Span | null): string {
  const sdk = sdkOf(aws);
  if (sdk) return sdk;
  if (str(aws?.function_arn)) return 'Lambda';
  if (parent?.recordedBy && parent.recordedBy !== 'Lambda') return parent.recordedBy;
  const origin = segment?.origin ?? '';
  if (origin.startsWith('AWS::') && origin !== 'AWS::Lambda::Function' && !segment?.recordedBy) return origin;
  return segment?.recordedBy ?? 'X-Ray SDK';
}

/** The instrumentation a document names in `aws.xray.sdk`, if it names one. */
function sdkOf(aws: Doc | undefined): string | undefined {
  const sdk = str(obj(aws?.xray)?.sdk);
  if (sdk) return /opentelemetry/i.test(sdk) ? 'OpenTelemetry' : 'X-Ray SDK';
  return undefined;
}

function makeSpan(doc: Doc, kind: SpanKind, segment: Span | null, parent?: Span): Span {
  const start = num(doc.start_time) ?? 0;
  const endRaw = num(doc.end_time);
  const http = obj(doc.http);
  const req = obj(http?.request);
  const res = obj(http?.response);
  const aws = obj(doc.aws);
  const inferred = doc.inferred === true;
  const name = str(doc.name) ?? '(unnamed)';
  const table = str(aws?.table_name);
  // A segment names its instrumentation only when its SDK does; a subsegment always gets one.
  const by = kind === 'subsegment' ? recordedBy(aws, parent, segment) : sdkOf(aws);
  const span: Span = {
    id: str(doc.id) ?? '',
    kind,
    name,
    displayName: inferred && table ? table : name,
    origin: str(kind === 'segment' ? doc.origin : doc.namespace) ?? '',
    inferred,
    start,
    end: endRaw !== undefined && endRaw >= start ? endRaw : start,
    inProgress: doc.in_progress === true || endRaw === undefined,
    error: doc.error === true,
    fault: doc.fault === true,
    throttle: doc.throttle === true,
    httpStatus: num(res?.status),
    httpMethod: str(req?.method),
    httpUrl: str(req?.url),
    annotations: parseAnnotations(doc.annotations),
    ...parseCause(doc.cause),
    parentId: str(doc.parent_id),
    ...(by !== undefined && { recordedBy: by }),
    segment,
    children: [],
  };
  if (kind === 'segment') span.segment = span;
  return span;
}

function addSubsegments(parent: Span, docs: unknown, segment: Span, byId: Map<string, Span>): void {
  if (!Array.isArray(docs)) return;
  for (const d of docs) {
    const doc = obj(d);
    if (!doc) continue;
    const sub = makeSpan(doc, 'subsegment', segment, parent.kind === 'subsegment' ? parent : undefined);
    sub.parentId = parent.id;
    parent.children.push(sub);
    if (sub.id) byId.set(sub.id, sub);
    addSubsegments(sub, doc.subsegments, segment, byId);
  }
}

/** Worst first: the status a row is coloured with. Throttles are also errors, so they win over error. */
export function spanStatus(s: Pick<Span, 'fault' | 'throttle' | 'error' | 'inProgress'>): SpanStatus {
  if (s.fault) return 'fault';
  if (s.throttle) return 'throttle';
  if (s.error) return 'error';
  if (s.inProgress) return 'pending';
  return 'ok';
}

function sortTree(spans: Span[]): void {
  // Stable sort: equal start times keep document order, so output is deterministic.
  spans.sort((a, b) => a.start - b.start);
  for (const s of spans) sortTree(s.children);
}

export function buildSpanTree(trace: Trace): SpanTree {
  const byId = new Map<string, Span>();
  const tops: Span[] = [];
  const loose: Span[] = [];
  for (const seg of trace.Segments ?? []) {
    let doc: Doc | undefined;
    try {
      doc = obj(JSON.parse(seg.Document ?? ''));
    } catch {
      doc = undefined; // a document we cannot read is skipped; the tree is then marked partial below
    }
    if (!doc) continue;
    if (doc.type === 'subsegment') {
      const sub = makeSpan(doc, 'subsegment', null);
      if (sub.id) byId.set(sub.id, sub);
      addSubsegments(sub, doc.subsegments, sub, byId);
      loose.push(sub);
      continue;
    }
    const span = makeSpan(doc, 'segment', null);
    if (span.id) byId.set(span.id, span);
    addSubsegments(span, doc.subsegments, span, byId);
    tops.push(span);
  }

  let partial = (trace.Segments ?? []).length !== tops.length + loose.length;
  const roots: Span[] = [];
  for (const span of [...tops, ...loose]) {
    const parent = span.parentId ? byId.get(span.parentId) : undefined;
    if (parent && parent !== span) {
      parent.children.push(span);
    } else {
      if (span.parentId) partial = true;
      roots.push(span);
    }
  }
  sortTree(roots);
  assignSegments(roots, null);

  let start = Infinity;
  let end = -Infinity;
  for (const s of byId.values()) {
    start = Math.min(start, s.start);
    end = Math.max(end, s.end);
    if (s.inProgress) partial = true;
  }
  if (!Number.isFinite(start)) start = end = 0;
  return { traceId: trace.Id ?? '', roots, byId, start, end, partial };
}

/** Loose subsegments learn their owning segment only once the whole tree is linked. */
function assignSegments(spans: Span[], segment: Span | null): void {
  for (const s of spans) {
    s.segment = s.kind === 'segment' ? s : segment;
    assignSegments(s.children, s.segment);
  }
}

/** Depth-first walk in display order. */
export function walkSpans(roots: Span[], visit: (span: Span, depth: number) => void, depth = 0): void {
  for (const s of roots) {
    visit(s, depth);
    walkSpans(s.children, visit, depth + 1);
  }
}
