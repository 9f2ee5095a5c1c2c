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
import { refuseTooLarge, validateParsedSegment, validateSegmentDocument, type IngestLimits, type SegmentDoc, type ValidationResult } from './segments.js';
import { assembleTrace, type AssembledTrace } from './assemble.js';
import { buildModel, type TraceModel } from './model.js';
import { buildIndex, type IndexContext, type TraceIndex } from './trace-index.js';
import type { Spread } from './trace-order.js';
import { encodeRecord } from './index-codec.js';
import { LiveIndex } from './live-index.js';
import { TraceTables } from './store-tables.js';
import { storedSummaryText } from './summary.js';
import { ServiceError } from '../core/errors.js';

export interface TraceStoreOptions {
  clock: Clock;
  retentionDays?: number;
  /** How often (clock ms) the lazy retention sweep may run. */
  sweepEveryMs?: number;
  /** Journal rows before ingest writes a snapshot (default 65,536); tests make it small. */
  snapshotMinJournal?: number;
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

/** A trace's fresh record and the summary text persisted beside it. */
interface Indexed {
  t: TraceIndex;
  summary: string;
}

export class TraceStore {
  /** The in-memory index and its snapshot/journal persistence. */
  private readonly index: LiveIndex;
  /** Shared columns, trace slots and identities the trace records point into. */
  readonly ctx: IndexContext;
  private readonly clock: Clock;
  private readonly retentionMs: number;
  private readonly sweepEveryMs: number;
  private lastSweep = -Infinity;
  private readonly tables: TraceTables;
  private readonly writeBatch: (groups: Map<string, Pending[]>) => void;

  constructor(db: BetterSqlite3.Database, opts: TraceStoreOptions) {
    this.clock = opts.clock;
    this.retentionMs = (opts.retentionDays ?? 30) * DAY_MS;
    this.sweepEveryMs = opts.sweepEveryMs ?? 3_600_000;
    this.tables = new TraceTables(db);
    this.index = new LiveIndex(this.tables, opts.snapshotMinJournal);
    this.ctx = this.index.ctx;
    // Documents, the traces' new records and summaries and any new node identities commit together: a
    // reopened store's records and summaries always describe exactly the documents it holds.
    this.writeBatch = this.tables.transaction((groups: Map<string, Pending[]>) => {
      for (const [traceId, docs] of groups) this.tables.insertDocs.run(traceId, docs.length === 1 ? docs[0].text : docs.map((p) => p.text).join(SEP));
      for (const [traceId, docs] of groups) this.persist(this.reindex(traceId, docs));
      this.tables.saveNodes(this.ctx.unsaved);
    });
    if (this.tables.recordsStale) this.rebuildFromDocuments();
    else this.index.load();
  }

  /** Traces held, expired ones not yet swept included. */
  get size(): number {
    return this.index.size;
  }

  /** The compact record of a trace, or undefined when unknown or past retention. */
  get(traceId: string): TraceIndex | undefined {
    const t = this.index.find(traceId);
    return t && t.end >= this.cutoffSeconds() ? t : undefined;
  }

  /** Every retained trace, in no particular order. */
  *traces(): Generator<TraceIndex> {
    const cutoff = this.cutoffSeconds();
    for (const t of this.index.all()) if (t.end >= cutoff) yield t;
  }

  /** How far other times lie from start times, to turn a window into a start range. */
  get spread(): Readonly<Spread> {
    return this.index.spread;
  }

  /**
   * Retained traces whose start lies in [fromStart, toStart), newest first, beginning after `after`
   * (a trace already returned). Costs the records walked, not the store size.
   */
  newestFirst(fromStart: number, toStart: number, after?: { start: number; id: string }): Generator<TraceIndex> {
    return this.index.newestFirst(fromStart, toStart, this.cutoffSeconds(), after);
  }

  /** Traces whose last activity is before this (epoch seconds) are gone, swept or not: retention does not wait for the sweep. */
  cutoffSeconds(): number {
    return (this.clock.now() - this.retentionMs) / 1000;
  }

  putTraceSegments(texts: string[]): Required<Pick<PutTraceSegmentsResult, 'UnprocessedTraceSegments'>> {
    const limits = this.ingestLimits();
    return this.storeBatch(texts.map((text) => ({ text, checked: validateSegmentDocument(text, limits) })));
  }

  /**
   * Documents built in this process (OTLP's translator) with their texts: each `doc` must be exactly
   * what JSON.parse(text) gives. PutTraceSegments' checks apply to the object and the text's size, so
   * the store keeps the same text and builds the same trace without parsing what was just serialised.
   */
  putBuiltSegments(docs: { doc: unknown; text: string }[]): Required<Pick<PutTraceSegmentsResult, 'UnprocessedTraceSegments'>> {
    const limits = this.ingestLimits();
    return this.storeBatch(docs.map(({ doc, text }) => ({ text, checked: refuseTooLarge(text) ?? validateParsedSegment(doc, limits) })));
  }

  private ingestLimits(): IngestLimits {
    return { oldestSeconds: this.cutoffSeconds() };
  }

  /** Checked documents in arrival order → the good ones stored (one transaction), the others reported. */
  private storeBatch(docs: { text: string; checked: ValidationResult }[]): Required<Pick<PutTraceSegmentsResult, 'UnprocessedTraceSegments'>> {
    const unprocessed: UnprocessedTraceSegment[] = [];
    const groups = new Map<string, Pending[]>();
    for (const { text, checked: r } of docs) {
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
      this.index.tidy();
    }
    this.maybeSweep();
    return { UnprocessedTraceSegments: unprocessed };
  }

  /** The trace's stored documents, assembled; undefined when unknown. */
  loadTrace(traceId: string): AssembledTrace | undefined {
    return this.get(traceId) ? this.assembleStored(traceId) : undefined;
  }

  private assembleStored(traceId: string): AssembledTrace | undefined {
    const docs = this.storedDocs(traceId);
    return docs.length === 0 ? undefined : assemble(traceId, latestPerId(docs));
  }

  /** Every document stored for the trace, in arrival order (superseded versions included). */
  private storedDocs(traceId: string): Pending[] {
    const out: Pending[] = [];
    for (const r of this.tables.selectDocs.all(traceId) as { docs: string }[]) parseRow(r.docs, out);
    return out;
  }

  /** The stored summary texts (summary.ts) of a result page, in its order: one SQLite statement, no document read. */
  summaryTexts(page: readonly TraceIndex[]): string[] {
    if (page.length === 0) return [];
    const texts = this.tables.summaries(page.map((t) => t.id));
    return page.map((t) => {
      const text = texts.get(t.id);
      if (text === undefined) throw new ServiceError('InternalFailure', `the summary of trace ${t.id} is missing from the store`, 500);
      return text;
    });
  }

  loadModel(traceId: string): TraceModel | undefined {
    const t = this.loadTrace(traceId);
    return t && buildModel(t);
  }

  /** Drop traces whose last activity is older than the retention period. Returns how many went. */
  sweep(): number {
    const cutoffSeconds = this.cutoffSeconds();
    const doomed: TraceIndex[] = [];
    for (const t of this.index.all()) if (t.end < cutoffSeconds) doomed.push(t);
    if (doomed.length === 0) return 0;
    this.tables.transaction(() => {
      for (const { id } of doomed) {
        this.tables.deleteDocs.run(id);
        this.tables.deleteRecord.run(id);
        this.tables.deleteSummary.run(id);
        // The snapshot may hold the trace: the journal says it went.
        this.tables.insertDropped.run(id);
      }
    })();
    this.index.journaled(doomed.length);
    for (const t of doomed) this.index.drop(t);
    this.index.tidy();
    return doomed.length;
  }

  maybeSweep(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    this.sweep();
  }

  /** A trace's record and summary, rebuilt from all its documents (including parts that arrived earlier). */
  private reindex(traceId: string, batch: Pending[]): Indexed {
    const prev = this.index.find(traceId);
    // A new trace's documents are all in this batch (already parsed): no read-back.
    const trace = prev ? this.assembleStored(traceId)! : assemble(traceId, latestPerId(batch));
    if (prev) this.index.replacing(prev);
    return this.index1(trace, (prev?.revision ?? 0) + batch.length);
  }

  /** Record (kept in memory) and summary text of an assembled trace; revision = documents received. */
  private index1(trace: AssembledTrace, revision: number): Indexed {
    const model = buildModel(trace);
    const t = this.index.keep(buildIndex(model, { revision, bytes: trace.bytes }, this.ctx));
    return { t, summary: storedSummaryText(model, t) };
  }

  private persist({ t, summary }: Indexed): void {
    this.tables.upsertRecord.run(t.id, encodeRecord(t, this.ctx));
    this.tables.upsertSummary.run(t.id, summary);
    this.index.journaled(1);
  }

  /** Writes the whole index as a snapshot and empties the journal (live-index.ts); `blockTraces` for tests. */
  snapshot(blockTraces?: number): void {
    this.index.snapshot(blockTraces);
  }

  /** A snapshot if anything changed since the last one: the local cloud's stop, so the next start copies blocks. */
  checkpoint(): void {
    this.index.checkpoint();
  }

  /**
   * On open of a store written before records and summaries were persisted (or in another format):
   * rebuild every record and summary from the documents once, and persist them, a chunk of traces at a
   * time. The format is marked current only at the end, so an interrupted rebuild starts over.
   */
  private rebuildFromDocuments(): void {
    const CHUNK = 1000;
    let after = '';
    for (;;) {
      const rows = this.tables.docRowsChunk(after, CHUNK);
      if (rows.length === 0) break;
      const built: Indexed[] = [];
      let docs: Pending[] = [];
      rows.forEach((r, i) => {
        parseRow(r.docs, docs);
        if (rows[i + 1]?.trace_id === r.trace_id) return;
        built.push(this.index1(assemble(r.trace_id, latestPerId(docs)), docs.length));
        docs = [];
      });
      after = rows[rows.length - 1].trace_id;
      this.tables.transaction(() => {
        for (const b of built) this.persist(b);
        this.tables.saveNodes(this.ctx.unsaved);
      })();
    }
    this.tables.markRecordsCurrent();
    this.index.settled();
    this.index.snapshot();
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
