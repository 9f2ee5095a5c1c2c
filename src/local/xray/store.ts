/**
 * Trace storage: segment documents in SQLite (the durable copy), plus a compact per-trace index in
 * memory (see trace-index.ts) that queries scan. PutTraceSegments semantics copied from AWS
 * (https://docs.aws.amazon.com/xray/latest/api/API_PutTraceSegments.html): each document is checked
 * on its own, good ones are kept even when others in the batch fail, and a completed document replaces
 * the in-progress one with the same id. Retention: 30 days, swept lazily on the injected clock.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { PutTraceSegmentsResult, UnprocessedTraceSegment } from '@aws-sdk/client-xray';
import type { Clock } from '../core/types.js';
import { validateSegmentDocument, type SegmentDoc } from './segments.js';
import { assembleTrace, type AssembledTrace } from './assemble.js';
import { buildModel, type TraceModel } from './model.js';
import { buildIndex, IndexContext, type TraceIndex } from './trace-index.js';

export interface TraceStoreOptions {
  clock: Clock;
  retentionDays?: number;
  /** How often (clock ms) the lazy retention sweep may run. */
  sweepEveryMs?: number;
}

interface Row {
  trace_id: string;
  doc: string;
}

interface Pending {
  doc: SegmentDoc;
  text: string;
}

const DAY_MS = 86_400_000;

export class TraceStore {
  private readonly index = new Map<string, TraceIndex>();
  /** Shared columns and identities the trace records point into. */
  readonly ctx = new IndexContext();
  private readonly clock: Clock;
  private readonly retentionMs: number;
  private readonly sweepEveryMs: number;
  private lastSweep = -Infinity;
  private readonly insert: BetterSqlite3.Statement;
  private readonly upsertTrace: BetterSqlite3.Statement;
  private readonly selectTrace: BetterSqlite3.Statement;
  private readonly deleteSegments: BetterSqlite3.Statement;
  private readonly deleteTrace: BetterSqlite3.Statement;
  private readonly writeBatch: (groups: Map<string, Pending[]>, now: number) => void;

  constructor(private readonly db: BetterSqlite3.Database, opts: TraceStoreOptions) {
    this.clock = opts.clock;
    this.retentionMs = (opts.retentionDays ?? 30) * DAY_MS;
    this.sweepEveryMs = opts.sweepEveryMs ?? 3_600_000;
    db.exec(`
      CREATE TABLE IF NOT EXISTS xray_segments (
        trace_id TEXT NOT NULL, id TEXT NOT NULL, in_progress INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (trace_id, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS xray_traces (
        trace_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, updated INTEGER NOT NULL) WITHOUT ROWID;`);
    // A completed document replaces an in-progress one; an in-progress one never replaces a completed one.
    this.insert = db.prepare(`INSERT INTO xray_segments (trace_id, id, in_progress, doc) VALUES (?, ?, ?, ?)
      ON CONFLICT (trace_id, id) DO UPDATE SET doc = excluded.doc, in_progress = excluded.in_progress
      WHERE xray_segments.in_progress = 1 OR excluded.in_progress = 0`);
    this.upsertTrace = db.prepare(`INSERT INTO xray_traces (trace_id, revision, updated) VALUES (?, ?, ?)
      ON CONFLICT (trace_id) DO UPDATE SET revision = revision + excluded.revision, updated = excluded.updated`);
    this.selectTrace = db.prepare('SELECT trace_id, doc FROM xray_segments WHERE trace_id = ?');
    this.deleteSegments = db.prepare('DELETE FROM xray_segments WHERE trace_id = ?');
    this.deleteTrace = db.prepare('DELETE FROM xray_traces WHERE trace_id = ?');
    this.writeBatch = db.transaction((groups: Map<string, Pending[]>, now: number) => {
      for (const [traceId, docs] of groups) {
        for (const p of docs) this.insert.run(traceId, p.doc.id, p.doc.in_progress ? 1 : 0, p.text);
        this.upsertTrace.run(traceId, docs.length, now);
      }
    });
    this.rebuild();
  }

  get size(): number {
    return this.index.size;
  }

  /** The compact record of a trace, or undefined when unknown. */
  get(traceId: string): TraceIndex | undefined {
    return this.index.get(traceId);
  }

  traces(): IterableIterator<TraceIndex> {
    return this.index.values();
  }

  putTraceSegments(texts: string[]): Required<Pick<PutTraceSegmentsResult, 'UnprocessedTraceSegments'>> {
    const unprocessed: UnprocessedTraceSegment[] = [];
    const groups = new Map<string, Pending[]>();
    for (const text of texts) {
      const r = validateSegmentDocument(text);
      if (!r.ok) {
        unprocessed.push(r.error);
        continue;
      }
      let g = groups.get(r.doc.trace_id);
      if (!g) groups.set(r.doc.trace_id, (g = []));
      g.push({ doc: r.doc, text });
    }
    if (groups.size > 0) {
      const now = this.clock.now();
      this.writeBatch(groups, now);
      for (const [traceId, docs] of groups) this.reindex(traceId, docs);
      this.ctx.cols.maybeCompact(this.index.values());
    }
    this.maybeSweep();
    return { UnprocessedTraceSegments: unprocessed };
  }

  /** The trace's stored documents, assembled; undefined when unknown. */
  loadTrace(traceId: string): AssembledTrace | undefined {
    const rows = this.selectTrace.all(traceId) as Row[];
    if (rows.length === 0) return undefined;
    let bytes = 0;
    const docs = rows.map((r) => {
      bytes += r.doc.length;
      return JSON.parse(r.doc) as SegmentDoc;
    });
    return assembleTrace(traceId, docs, bytes);
  }

  loadModel(traceId: string): TraceModel | undefined {
    const t = this.loadTrace(traceId);
    return t && buildModel(t);
  }

  /** Drop traces whose last activity is older than the retention period. Returns how many went. */
  sweep(): number {
    const cutoffSeconds = (this.clock.now() - this.retentionMs) / 1000;
    const doomed: string[] = [];
    for (const t of this.index.values()) if (t.end < cutoffSeconds) doomed.push(t.id);
    if (doomed.length === 0) return 0;
    this.db.transaction(() => {
      for (const id of doomed) {
        this.deleteSegments.run(id);
        this.deleteTrace.run(id);
      }
    })();
    for (const id of doomed) {
      this.ctx.cols.release(this.index.get(id)!);
      this.index.delete(id);
    }
    this.ctx.cols.maybeCompact(this.index.values());
    return doomed.length;
  }

  maybeSweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    this.sweep();
  }

  private reindex(traceId: string, batch: Pending[]): void {
    const prev = this.index.get(traceId);
    let trace: AssembledTrace;
    if (prev) {
      trace = this.loadTrace(traceId)!;
    } else {
      // New trace: this batch is everything stored for it, so skip the read-back.
      const byId = new Map<string, Pending>();
      for (const p of batch) {
        const seen = byId.get(p.doc.id);
        if (!seen || seen.doc.in_progress || !p.doc.in_progress) byId.set(p.doc.id, p);
      }
      let bytes = 0;
      for (const p of byId.values()) bytes += p.text.length;
      trace = assembleTrace(traceId, [...byId.values()].map((p) => p.doc), bytes);
    }
    const meta = { revision: (prev?.revision ?? 0) + batch.length, bytes: trace.bytes };
    if (prev) this.ctx.cols.release(prev);
    this.index.set(traceId, buildIndex(buildModel(trace), meta, this.ctx));
  }

  /** Reload the compact index from SQLite (on open). */
  private rebuild(): void {
    const revisions = new Map<string, number>();
    for (const r of this.db.prepare('SELECT trace_id, revision FROM xray_traces').iterate() as IterableIterator<{ trace_id: string; revision: number }>) {
      revisions.set(r.trace_id, r.revision);
    }
    let current: string | undefined;
    let docs: SegmentDoc[] = [];
    let bytes = 0;
    const flush = () => {
      if (current === undefined) return;
      const revision = revisions.get(current) ?? docs.length;
      this.index.set(current, buildIndex(buildModel(assembleTrace(current, docs, bytes)), { revision, bytes }, this.ctx));
    };
    for (const r of this.db.prepare('SELECT trace_id, doc FROM xray_segments ORDER BY trace_id').iterate() as IterableIterator<Row>) {
      if (r.trace_id !== current) {
        flush();
        current = r.trace_id;
        docs = [];
        bytes = 0;
      }
      docs.push(JSON.parse(r.doc) as SegmentDoc);
      bytes += r.doc.length;
    }
    flush();
  }
}
