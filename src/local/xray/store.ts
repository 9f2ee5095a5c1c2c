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
import { buildIndex, IndexContext, internTexts, TraceIndex } from './trace-index.js';
import { lowerBound, TraceOrder, type OrderKeys, type Spread } from './trace-order.js';
import { decodeRecord, encodeRecord } from './index-codec.js';
import { BLOCK_TRACES, decodeBlock, encodeBlock, encodeTexts } from './snapshot-codec.js';
import { compareIds, ID_WORDS } from './trace-ids.js';
import { TraceTables } from './store-tables.js';
import { storedSummaryText } from './summary.js';
import { ServiceError } from '../core/errors.js';

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

/** A trace's fresh record and the summary text persisted beside it. */
interface Indexed {
  t: TraceIndex;
  summary: string;
}

/** Journal rows (records and drops since the snapshot) that trigger a new snapshot: at least this many … */
const SNAPSHOT_MIN_JOURNAL = 65_536;
/** … and at least this fraction of the store, so snapshots cost O(1) per trace written. */
const SNAPSHOT_JOURNAL_FRACTION = 0.25;

/** Result order of trace slots: start, then id (as the id strings compare). */
function slotKeys(ctx: IndexContext): OrderKeys<number> {
  const s = ctx.slots;
  return {
    start: (t) => s.times[t * 2],
    end: (t) => s.times[t * 2 + 1],
    idEpoch: (t) => s.ids[t * ID_WORDS],
    compare: (a, b) => s.times[a * 2] - s.times[b * 2] || compareIds(s.ids, a, b),
    compareKey: (t, start, id) => {
      const d = s.times[t * 2] - start;
      if (d !== 0) return d;
      const own = s.idOf(t);
      return own < id ? -1 : own > id ? 1 : 0;
    },
  };
}

export class TraceStore {
  /** Shared columns, trace slots and identities: the whole in-memory index. */
  readonly ctx = new IndexContext();
  /** The live trace slots in result order, for paging. */
  private readonly order: TraceOrder<number>;
  private readonly keys: OrderKeys<number>;
  /** Journal rows written since the snapshot (an upper bound: a trace rewritten counts again). */
  private journal = 0;
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
    const slots = this.ctx.slots;
    this.keys = slotKeys(this.ctx);
    this.order = new TraceOrder<number>((s) => slots.live[s] === 1, this.keys, () => slots.recycle());
    // Documents, the traces' new records and summaries and any new node identities commit together: a
    // reopened store's records and summaries always describe exactly the documents it holds.
    this.writeBatch = this.tables.transaction((groups: Map<string, Pending[]>) => {
      for (const [traceId, docs] of groups) this.tables.insertDocs.run(traceId, docs.length === 1 ? docs[0].text : docs.map((p) => p.text).join(SEP));
      for (const [traceId, docs] of groups) this.persist(this.reindex(traceId, docs));
      this.tables.saveNodes(this.ctx.unsaved);
    });
    if (this.tables.recordsStale) this.rebuildFromDocuments();
    else this.loadRecords();
  }

  /** Traces held, expired ones not yet swept included. */
  get size(): number {
    return this.ctx.slots.size;
  }

  /** The compact record of a trace, or undefined when unknown or past retention. */
  get(traceId: string): TraceIndex | undefined {
    const slot = this.ctx.slots.find(traceId);
    if (slot < 0 || this.ctx.slots.times[slot * 2 + 1] < this.cutoffSeconds()) return undefined;
    return new TraceIndex(this.ctx.slots, slot);
  }

  /** Every retained trace, in no particular order. */
  *traces(): Generator<TraceIndex> {
    const cutoff = this.cutoffSeconds();
    for (const t of this.all()) if (t.end >= cutoff) yield t;
  }

  /** Every held trace, expired ones not yet swept included. */
  private *all(): Generator<TraceIndex> {
    const slots = this.ctx.slots;
    for (let s = 0; s < slots.high; s++) if (slots.live[s] === 1) yield new TraceIndex(slots, s);
  }

  /** How far other times lie from start times, to turn a window into a start range. */
  get spread(): Readonly<Spread> {
    return this.order.spread;
  }

  /**
   * Retained traces whose start lies in [fromStart, toStart), newest first, beginning after `after`
   * (a trace already returned). Costs the records walked, not the store size.
   */
  *newestFirst(fromStart: number, toStart: number, after?: { start: number; id: string }): Generator<TraceIndex> {
    const arr = this.order.settle();
    const { slots } = this.ctx;
    const { times, live } = slots;
    const cutoff = this.cutoffSeconds();
    let i = lowerBound(arr, toStart, '', this.keys) - 1;
    if (after && after.start < toStart) i = lowerBound(arr, after.start, after.id, this.keys) - 1;
    for (; i >= 0; i--) {
      const s = arr[i];
      if (times[s * 2] < fromStart) return;
      // Skip replaced records and the one equal to the cursor (lowerBound stops at it).
      if (live[s] !== 1 || times[s * 2 + 1] < cutoff) continue;
      if (after && this.keys.compareKey(s, after.start, after.id) >= 0) continue;
      yield new TraceIndex(slots, s);
    }
  }

  /** Traces whose last activity is before this (epoch seconds) are gone, swept or not: retention does not wait for the sweep. */
  cutoffSeconds(): number {
    return (this.clock.now() - this.retentionMs) / 1000;
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
      this.ctx.cols.maybeCompact(this.all());
      this.maybeSnapshot();
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
    for (const t of this.all()) if (t.end < cutoffSeconds) doomed.push(t);
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
    this.journal += doomed.length;
    for (const t of doomed) {
      this.ctx.cols.release(t);
      this.ctx.slots.remove(t.slot);
      this.order.dropped();
    }
    this.ctx.cols.maybeCompact(this.all());
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
    const prevSlot = this.ctx.slots.find(traceId);
    const prev = prevSlot < 0 ? undefined : new TraceIndex(this.ctx.slots, prevSlot);
    // A new trace's documents are all in this batch (already parsed): no read-back.
    const trace = prev ? this.assembleStored(traceId)! : assemble(traceId, latestPerId(batch));
    if (prev) {
      this.ctx.cols.release(prev);
      this.order.dropped();
    }
    return this.index1(trace, (prev?.revision ?? 0) + batch.length);
  }

  /** Record (kept in memory) and summary text of an assembled trace; revision = documents received. */
  private index1(trace: AssembledTrace, revision: number): Indexed {
    const model = buildModel(trace);
    const t = this.keep(buildIndex(model, { revision, bytes: trace.bytes }, this.ctx));
    return { t, summary: storedSummaryText(model, t) };
  }

  private persist({ t, summary }: Indexed): void {
    this.tables.upsertRecord.run(t.id, encodeRecord(t, this.ctx));
    this.tables.upsertSummary.run(t.id, summary);
    this.journal++;
  }

  /** Publishes a trace's new slot; the slot it replaces (if any) is retired. */
  private keep(t: TraceIndex): TraceIndex {
    const old = this.ctx.slots.put(t.slot);
    if (old >= 0) this.ctx.slots.retire(old);
    this.order.add(t.slot);
    return t;
  }

  /**
   * Writes the whole index as a snapshot and empties the journal (one transaction), so the next open
   * copies blocks instead of replaying rows. Done when the journal has grown large, after a rebuild,
   * and when the local cloud stops.
   */
  snapshot(blockTraces = BLOCK_TRACES): void {
    const order = this.order.settle().filter((s) => this.ctx.slots.live[s] === 1);
    const { part, remap } = encodeTexts(this.ctx, order);
    const ctx = this.ctx;
    function* parts(): Generator<Buffer> {
      yield part;
      for (let i = 0; i < order.length; i += blockTraces) yield encodeBlock(ctx, order, i, Math.min(order.length, i + blockTraces), remap);
    }
    this.tables.writeSnapshot(parts());
    this.journal = 0;
  }

  /** A snapshot if anything changed since the last one (the local cloud's stop). */
  checkpoint(): void {
    if (this.journal > 0) this.snapshot();
  }

  private maybeSnapshot(): void {
    if (this.journal >= SNAPSHOT_MIN_JOURNAL && this.journal >= this.size * SNAPSHOT_JOURNAL_FRACTION) this.snapshot();
  }

  /** On open: copy the snapshot's blocks, then replay the journal (drops, then records); no document parsed. */
  private loadRecords(): void {
    for (const n of this.tables.nodes()) this.ctx.restoreIdentity(n.id, n.name, n.type ?? undefined, n.account ?? undefined, n.inferred === 1);
    let texts: number[] = [];
    for (const [part, data] of this.tables.snapshotParts()) {
      if (part === 0) texts = (JSON.parse(data.toString('utf8')) as string[]).map((json) => internTexts(this.ctx, json));
      else decodeBlock(this.ctx, data, texts, (s) => this.order.appendSorted(s));
    }
    const slots = this.ctx.slots;
    for (const id of this.tables.dropped()) {
      const s = slots.find(id);
      if (s < 0) continue;
      this.ctx.cols.release(new TraceIndex(slots, s));
      slots.remove(s);
      this.order.dropped();
    }
    for (const [id, rec] of this.tables.records()) {
      const prev = slots.find(id);
      if (prev >= 0) {
        this.ctx.cols.release(new TraceIndex(slots, prev));
        this.order.dropped();
      }
      this.keep(decodeRecord(this.ctx, id, rec));
    }
    this.journal = this.tables.journalRows();
    this.order.settle();
    this.ctx.cols.maybeCompact(this.all());
    this.ctx.cols.trim();
    slots.trim();
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
    this.order.settle();
    this.ctx.cols.trim();
    this.ctx.slots.trim();
    this.snapshot();
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
