/**
 * "Where is the bottleneck?" across many traces.
 *
 * Self time = a span's own duration minus the union of its children's intervals (clipped to the
 * span), so concurrent children are not subtracted twice. A segment's children include the segments
 * it called (their `parent_id` is one of its subsegments), which makes self time of the API GW
 * `Lambda` subsegment the pure hand-off cost and the inferred table segment the DynamoDB call itself.
 * The dominant entry is the one whose summed self time is the largest share of the summed root
 * response times.
 */
import type { Trace } from '@aws-sdk/client-xray';
import { buildSpanTree, spanStatus, walkSpans, type Span, type SpanKind, type SpanTree } from './span-tree.js';
import { percentiles, type Percentiles } from './percentiles.js';
import { PlatformTally, type PlatformEvents } from './platform.js';

export interface NodeLatency extends Percentiles {
  name: string;
  type: string;
  errors: number;
  faults: number;
  throttles: number;
}

export interface TimeEntry {
  /** `node › path` — stable identity used for grouping. */
  key: string;
  name: string;
  kind: SpanKind;
  /** Owning node (segment display name) and its type; for a segment, the segment itself. */
  node: string;
  nodeType: string;
  count: number;
  totalMs: number;
  selfMs: number;
  meanSelfMs: number;
  /** selfMs as a % of the summed root response times. */
  sharePct: number;
}

export type ProblemKind = 'fault' | 'error' | 'throttle';

export interface RootCause {
  kind: ProblemKind;
  node: string;
  nodeType: string;
  /** Names from the node's segment down to the failing span (empty when the segment itself failed). */
  path: string[];
  count: number;
  traces: number;
  httpStatuses: number[];
  exceptions: { type: string; message: string; count: number }[];
}

export interface BottleneckReport {
  traceCount: number;
  partialTraces: number;
  /** Root response time (entry segment duration) per trace, in ms. */
  responseTimeMs: Percentiles;
  totalResponseMs: number;
  nodes: NodeLatency[];
  /** Largest self time first. */
  entries: TimeEntry[];
  dominant: TimeEntry | null;
  rootCauses: RootCause[];
  /** Cold starts and throttled invocations in these traces, with a sentence for each that happened. */
  platform: PlatformEvents;
}

export interface AnalyzeOptions {
  /** Leave partial traces (in progress, missing parents) out of the timing figures. Default false. */
  skipPartial?: boolean;
}

// Epoch-second floats carry ~0.1 µs of noise; X-Ray times are microsecond precision anyway.
const ms = (s: number): number => Math.round(s * 1e6) / 1e3;
const KIND_ORDER: Record<ProblemKind, number> = { fault: 0, error: 1, throttle: 2 };

/** Length of the union of [start,end] intervals clipped to [lo,hi]. */
export function coveredLength(intervals: { start: number; end: number }[], lo: number, hi: number): number {
  const clipped = intervals
    .map((i) => ({ start: Math.max(lo, i.start), end: Math.min(hi, i.end) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const i of clipped) {
    if (i.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = i.start;
      curEnd = i.end;
    } else curEnd = Math.max(curEnd, i.end);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export function selfTime(span: Span): number {
  return span.end - span.start - coveredLength(span.children, span.start, span.end);
}

function rootResponse(tree: SpanTree): number {
  const entry = tree.roots.find((r) => r.kind === 'segment' && !r.parentId) ?? tree.roots[0];
  return entry ? entry.end - entry.start : 0;
}

function pathOf(span: Span, parents: Map<Span, Span>): string[] {
  const path: string[] = [];
  for (let s: Span | undefined = span; s && s.kind === 'subsegment'; s = parents.get(s)) path.unshift(s.name);
  return path;
}

function problemOf(s: Span): ProblemKind | null {
  const st = spanStatus({ ...s, inProgress: false });
  if (st !== 'ok') return st as ProblemKind;
  return s.exceptions.length > 0 || s.causeRef ? 'fault' : null;
}

/** An inferred segment copies the failure flags but the exception lives on the caller's subsegment. */
function exceptionsFor(span: Span, parents: Map<Span, Span>): Span['exceptions'] {
  for (let s: Span | undefined = span; s; s = parents.get(s)) if (s.exceptions.length > 0) return s.exceptions;
  return [];
}

function hasProblemBelow(s: Span): boolean {
  return s.children.some((c) => problemOf(c) !== null || hasProblemBelow(c));
}

export function analyzeTraces(traces: Trace[], opts: AnalyzeOptions = {}): BottleneckReport {
  const nodeSamples = new Map<string, { name: string; type: string; ms: number[]; e: number; f: number; t: number }>();
  const entries = new Map<string, Omit<TimeEntry, 'meanSelfMs' | 'sharePct'>>();
  const causes = new Map<string, RootCause & { traceIds: Set<string>; ex: Map<string, RootCause['exceptions'][0]> }>();
  const responses: number[] = [];
  let partialTraces = 0;
  const platform = new PlatformTally();

  for (const trace of traces) {
    const tree = buildSpanTree(trace);
    if (tree.partial) partialTraces++;
    const timed = !(opts.skipPartial && tree.partial);
    if (timed && tree.roots.length > 0) responses.push(ms(rootResponse(tree)));
    const parents = new Map<Span, Span>();
    walkSpans(tree.roots, (span) => {
      for (const c of span.children) parents.set(c, span);
      platform.visit(span);
      const seg = span.segment ?? span;
      const node = seg.displayName;
      const nodeType = seg.kind === 'segment' ? seg.origin : '';
      if (timed) {
        if (span.kind === 'segment') {
          const nk = `${node}\u0000${nodeType}`;
          const n = nodeSamples.get(nk) ?? { name: node, type: nodeType, ms: [], e: 0, f: 0, t: 0 };
          n.ms.push(ms(span.end - span.start));
          n.e += span.error ? 1 : 0;
          n.f += span.fault ? 1 : 0;
          n.t += span.throttle ? 1 : 0;
          nodeSamples.set(nk, n);
        }
        const path = pathOf(span, parents);
        const key = [node + (nodeType ? ` (${nodeType})` : ''), ...path].join(' › ');
        const e = entries.get(key) ?? { key, name: span.kind === 'segment' ? node : span.name, kind: span.kind, node, nodeType, count: 0, totalMs: 0, selfMs: 0 };
        e.count++;
        e.totalMs += ms(span.end - span.start);
        e.selfMs += ms(selfTime(span));
        entries.set(key, e);
      }
      const kind = problemOf(span);
      if (kind && !hasProblemBelow(span)) {
        const path = pathOf(span, parents);
        const key = [kind, node, nodeType, ...path].join('\u0000');
        const c = causes.get(key) ?? { kind, node, nodeType, path, count: 0, traces: 0, httpStatuses: [] as number[], exceptions: [], traceIds: new Set<string>(), ex: new Map() };
        c.count++;
        c.traceIds.add(tree.traceId);
        if (span.httpStatus !== undefined && !c.httpStatuses.includes(span.httpStatus)) c.httpStatuses.push(span.httpStatus);
        for (const x of exceptionsFor(span, parents)) {
          const xk = `${x.type}\u0000${x.message}`;
          const got = c.ex.get(xk) ?? { type: x.type, message: x.message, count: 0 };
          got.count++;
          c.ex.set(xk, got);
        }
        causes.set(key, c);
      }
    });
  }

  const totalResponseMs = responses.reduce((a, b) => a + b, 0);
  const entryList: TimeEntry[] = [...entries.values()]
    .map((e) => ({ ...e, meanSelfMs: e.selfMs / e.count, sharePct: totalResponseMs > 0 ? (100 * e.selfMs) / totalResponseMs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs || a.key.localeCompare(b.key));

  const nodes: NodeLatency[] = [...nodeSamples.values()]
    .map((n) => ({ name: n.name, type: n.type, ...percentiles(n.ms), errors: n.e, faults: n.f, throttles: n.t }))
    .sort((a, b) => b.p50 - a.p50 || a.name.localeCompare(b.name) || a.type.localeCompare(b.type));

  const rootCauses: RootCause[] = [...causes.values()]
    .map(({ traceIds, ex, ...c }) => ({
      ...c,
      traces: traceIds.size,
      httpStatuses: [...c.httpStatuses].sort((a, b) => a - b),
      exceptions: [...ex.values()].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
    }))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.count - a.count || a.node.localeCompare(b.node) || a.path.join().localeCompare(b.path.join()));

  return {
    traceCount: traces.length,
    partialTraces,
    responseTimeMs: percentiles(responses),
    totalResponseMs,
    nodes,
    entries: entryList,
    dominant: entryList.length > 0 && entryList[0].selfMs > 0 ? entryList[0] : null,
    rootCauses,
    platform: platform.result(),
  };
}
