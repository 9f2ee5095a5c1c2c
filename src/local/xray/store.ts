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

interface Pending {
  doc: SegmentDoc;
  text: string;
}

/**
 * Documents of one trace from one call are stored as one row, joined by U+001E: JSON text cannot hold
 * that character raw (not as whitespace, not unescaped in a string), so splitting is exact. One
 * append-only row per trace and call costs far less than one keyed row per document.
 */
const SEP = '\u001e';

/** Arrival-ordered documents → the ones that count: per id, the last completed one, else the last in-progress one. */
function latestPerId(docs: Pending[]): Pending[] {
  const byId = new Map<string, Pending>();
  for (const p of docs) {
    const seen = byId.get(p.doc.id);
    if (!seen || seen.doc.in_progress || !p.doc.in_progress) byId.set(p.doc.id, p);
  }
  return [...byId.values()];
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
  private readonly selectTrace: BetterSqlite3.Statement;
  private readonly deleteTrace: BetterSqlite3.Statement;
  private readonly writeBatch: (groups: Map<string, Pending[]>) => void;

  constructor(private readonly db: BetterSqlite3.Database, opts: TraceStoreOptions) {
    this.clock = opts.clock;
    this.retentionMs = (opts.retentionDays ?? 30) * DAY_MS;
    this.sweepEveryMs = opts.sweepEveryMs ?? 3_600_000;
    db.exec(`
      CREATE TABLE IF NOT EXISTS xray_docs (trace_id TEXT NOT NULL, docs TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS xray_docs_trace ON xray_docs (trace_id);`);
    migrateKeyedSegments(db);
    this.insert = db.prepare('INSERT INTO xray_docs (trace_id, docs) VALUES (?, ?)');
    this.selectTrace = db.prepare('SELECT docs FROM xray_docs WHERE trace_id = ? ORDER BY rowid');
    this.deleteTrace = db.prepare('DELETE FROM xray_docs WHERE trace_id = ?');
    this.writeBatch = db.transaction((groups: Map<string, Pending[]>) => {
      for (const [traceId, docs] of groups) this.insert.run(traceId, docs.length === 1 ? docs[0].text : docs.map((p) => p.text).join(SEP));
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
    const limits = { oldestSeconds: (this.clock.now() - this.retentionMs) / 1000 };
    for (const text of texts) {
      const r = validateSegmentDocument(text, limits);
      if (!r.ok) {
        unprocessed.push(r.error);
        continue;
      }
      let g = groups.get(r.doc.trace_id);
      if (!g) groups.set(r.doc.trace_id, (g = []));
      g.push({ doc: r.doc, text });
    }
    if (groups.size > 0) {
      this.writeBatch(groups);
      for (const [traceId, docs] of groups) this.reindex(traceId, docs);
      this.ctx.cols.maybeCompact(this.index.values());
    }
    this.maybeSweep();
    return { UnprocessedTraceSegments: unprocessed };
  }

  /** The trace's stored documents, assembled; undefined when unknown. */
  loadTrace(traceId: string): AssembledTrace | undefined {
    const docs = this.storedDocs(traceId);
    return docs.length === 0 ? undefined : assemble(traceId, latestPerId(docs));
  }

  /** Every document stored for the trace, in arrival order (superseded versions included). */
  private storedDocs(traceId: string): Pending[] {
    const out: Pending[] = [];
    for (const r of this.selectTrace.all(traceId) as { docs: string }[]) parseRow(r.docs, out);
    return out;
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
      for (const id of doomed) this.deleteTrace.run(id);
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
    // A new trace's documents are all in this batch (already parsed): no read-back.
    const trace = prev ? this.loadTrace(traceId)! : assemble(traceId, latestPerId(batch));
    const meta = { revision: (prev?.revision ?? 0) + batch.length, bytes: trace.bytes };
    if (prev) this.ctx.cols.release(prev);
    this.index.set(traceId, buildIndex(buildModel(trace), meta, this.ctx));
  }

  /** Reload the compact index from SQLite (on open). Revision = documents received, as while running. */
  private rebuild(): void {
    let current: string | undefined;
    let docs: Pending[] = [];
    const flush = () => {
      if (current === undefined) return;
      const trace = assemble(current, latestPerId(docs));
      this.index.set(current, buildIndex(buildModel(trace), { revision: docs.length, bytes: trace.bytes }, this.ctx));
    };
    const rows = this.db.prepare('SELECT trace_id, docs FROM xray_docs ORDER BY trace_id, rowid').iterate() as IterableIterator<{ trace_id: string; docs: string }>;
    for (const r of rows) {
      if (r.trace_id !== current) {
        flush();
        current = r.trace_id;
        docs = [];
      }
      parseRow(r.docs, docs);
    }
    flush();
  }
}

/** One stored row (the documents of one call, joined by SEP) → its parsed documents, appended to `into`. */
function parseRow(row: string, into: Pending[]): void {
  for (const text of row.split(SEP)) into.push({ doc: JSON.parse(text) as SegmentDoc, text });
}

function assemble(traceId: string, kept: Pending[]): AssembledTrace {
  let bytes = 0;
  for (const p of kept) bytes += p.text.length;
  return assembleTrace(traceId, kept.map((p) => p.doc), bytes);
}

/** Data dirs written before documents were grouped per call kept one keyed row per document: move them over once. */
function migrateKeyedSegments(db: BetterSqlite3.Database): void {
  const old = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'xray_segments'").get();
  if (!old) return;
  db.transaction(() => {
    db.exec(`INSERT INTO xray_docs (trace_id, docs) SELECT trace_id, doc FROM xray_segments ORDER BY trace_id;
      DROP TABLE xray_segments; DROP TABLE IF EXISTS xray_traces;`);
  })();
}
