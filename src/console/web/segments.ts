/**
 * One trace's segment documents as the rows of a waterfall: segments and their embedded subsegments in
 * one tree (a segment whose parent_id is another segment's subsegment hangs under it, as Lambda's do),
 * depth first, children by start time. Pure data, so the timeline only draws.
 */
import type { FullTrace } from './api.js';
import { statusHealth, worst, type Health } from './format.js';

export interface SegmentDoc {
  id: string;
  name: string;
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  parent_id?: string;
  origin?: string;
  namespace?: string;
  inferred?: boolean;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  http?: { request?: Record<string, unknown>; response?: { status?: number } & Record<string, unknown> };
  aws?: Record<string, unknown>;
  sql?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  cause?: { exceptions?: { id?: string; message?: string; type?: string; remote?: boolean; stack?: { path?: string; line?: number; label?: string }[] }[] } | string;
  subsegments?: SegmentDoc[];
}

export interface WaterfallRow {
  doc: SegmentDoc;
  depth: number;
  /** A top-level segment (a service's own), not a subsegment. */
  segment: boolean;
  health: Health;
  /** Seconds from the trace's start. */
  offset: number;
  duration: number;
}

export interface Waterfall {
  rows: WaterfallRow[];
  start: number;
  duration: number;
}

export function parseDocs(trace: FullTrace): SegmentDoc[] {
  const docs: SegmentDoc[] = [];
  for (const s of trace.Segments ?? []) {
    try {
      docs.push(JSON.parse(s.Document ?? '') as SegmentDoc);
    } catch {
      // A document X-Ray stored is JSON; one that is not cannot be drawn, and the raw view still has it.
    }
  }
  return docs;
}

function healthOfDoc(d: SegmentDoc): Health {
  const flagged = worst({ fault: d.fault, throttle: d.throttle, error: d.error });
  return flagged !== 'ok' ? flagged : statusHealth(d.http?.response?.status);
}

export function buildWaterfall(docs: SegmentDoc[]): Waterfall {
  const subIds = new Map<string, SegmentDoc>();
  const walk = (d: SegmentDoc) => {
    for (const s of d.subsegments ?? []) {
      subIds.set(s.id, s);
      walk(s);
    }
  };
  docs.forEach(walk);
  const segIds = new Set(docs.map((d) => d.id));
  // Segments that continue a subsegment of another segment become its children.
  const adopted = new Map<string, SegmentDoc[]>();
  const roots: SegmentDoc[] = [];
  for (const d of docs) {
    const parent = d.parent_id;
    if (parent && (subIds.has(parent) || segIds.has(parent))) adopted.set(parent, [...(adopted.get(parent) ?? []), d]);
    else roots.push(d);
  }
  const all = [...docs, ...subIds.values()];
  const start = Math.min(...all.map((d) => d.start_time));
  const end = Math.max(...all.map((d) => d.end_time ?? d.start_time));
  const rows: WaterfallRow[] = [];
  const byStart = (a: SegmentDoc, b: SegmentDoc) => a.start_time - b.start_time;
  const visit = (d: SegmentDoc, depth: number, segment: boolean) => {
    rows.push({ doc: d, depth, segment, health: healthOfDoc(d), offset: d.start_time - start, duration: Math.max(0, (d.end_time ?? end) - d.start_time) });
    const children = [
      ...(d.subsegments ?? []).map((s) => ({ s, seg: false })),
      ...(adopted.get(d.id) ?? []).map((s) => ({ s, seg: true })),
    ].sort((a, b) => byStart(a.s, b.s));
    for (const c of children) visit(c.s, depth + 1, c.seg);
  };
  for (const r of roots.sort(byStart)) visit(r, 0, true);
  return { rows, start, duration: Math.max(end - start, 1e-6) };
}
