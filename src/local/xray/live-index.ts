/**
 * A store's in-memory index of its traces (slots, entity columns, result order) and how it is kept on
 * disk: a snapshot of large blocks plus a journal of per-trace records and drops written since
 * (SPEC.md, "Storage"). The store writes journal rows in the same transactions as the documents they
 * describe; this class decides when a snapshot replaces them and reads both back on open.
 */
import { IndexContext, TraceIndex } from './trace-index.js';
import { lowerBound, TraceOrder, type OrderKeys, type Spread } from './trace-order.js';
import { decodeRecord } from './index-codec.js';
import { BLOCK_TRACES, decodeBlock, encodeBlock, encodeHead, type SnapshotHead } from './snapshot-codec.js';
import { compareIds, ID_WORDS } from './trace-ids.js';
import { internTexts } from './trace-index.js';
import type { TraceTables } from './store-tables.js';

/** Journal rows (records and drops since the snapshot) that trigger a new snapshot: at least this many … */
const SNAPSHOT_MIN_JOURNAL = 65_536;
/** … and at least this fraction of the store, so snapshots cost O(1) per trace written and replaying the journal stays a fraction of a reopen. */
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

export class LiveIndex {
  /** Shared columns, trace slots and identities. */
  readonly ctx = new IndexContext();
  /** The live trace slots in result order, for paging. */
  private readonly order: TraceOrder<number>;
  private readonly keys: OrderKeys<number>;
  /** Journal rows written since the snapshot (an upper bound: a trace rewritten counts again). */
  private journal = 0;
  /** Journal length at which tidy() next snapshots (moved on after a failed snapshot). */
  private snapshotDueAt: number;

  /** @param minJournal journal rows before a snapshot is worth writing (tests make it small) */
  constructor(
    private readonly tables: TraceTables,
    private readonly minJournal = SNAPSHOT_MIN_JOURNAL,
  ) {
    this.snapshotDueAt = minJournal;
    const slots = this.ctx.slots;
    this.keys = slotKeys(this.ctx);
    this.order = new TraceOrder<number>((s) => slots.live[s] === 1, this.keys, () => slots.recycle());
  }

  /** Traces held, expired ones not yet swept included. */
  get size(): number {
    return this.ctx.slots.size;
  }

  get spread(): Readonly<Spread> {
    return this.order.spread;
  }

  /** The trace's current record, expired or not. */
  find(traceId: string): TraceIndex | undefined {
    const slot = this.ctx.slots.find(traceId);
    return slot < 0 ? undefined : new TraceIndex(this.ctx.slots, slot);
  }

  /** Every held trace, expired ones not yet swept included. */
  *all(): Generator<TraceIndex> {
    const slots = this.ctx.slots;
    for (let s = 0; s < slots.high; s++) if (slots.live[s] === 1) yield new TraceIndex(slots, s);
  }

  /** Traces whose start lies in [fromStart, toStart) and end at or after `cutoff`, newest first, after `after`. */
  *newestFirst(fromStart: number, toStart: number, cutoff: number, after?: { start: number; id: string }): Generator<TraceIndex> {
    const arr = this.order.settle();
    const { slots } = this.ctx;
    const { times, live } = slots;
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

  /** Publishes a trace's newly built record; the one it replaces (see `replacing`) is retired. */
  keep(t: TraceIndex): TraceIndex {
    const old = this.ctx.slots.put(t.slot);
    if (old >= 0) this.ctx.slots.retire(old);
    this.order.add(t.slot);
    return t;
  }

  /** A trace's record is about to be rebuilt: its columns become garbage, its order position stale. */
  replacing(prev: TraceIndex): void {
    this.ctx.cols.release(prev);
    this.order.dropped();
  }

  /** A swept trace leaves the index. */
  drop(t: TraceIndex): void {
    this.ctx.cols.release(t);
    this.ctx.slots.remove(t.slot);
    this.order.dropped();
  }

  /** The owner wrote `rows` journal rows (records or drops), committed. */
  journaled(rows: number): void {
    this.journal += rows;
  }

  /** After ingest or a sweep: compacts the columns when half is garbage, snapshots when the journal is long. */
  tidy(): void {
    this.ctx.cols.maybeCompact(this.all());
    if (this.journal < this.snapshotDueAt || this.journal < this.size * SNAPSHOT_JOURNAL_FRACTION) return;
    try {
      this.snapshot();
    } catch {
      // The call's documents are committed and the journal still describes them (the snapshot's
      // transaction rolled back), so the caller must not see an error: try again once the journal has
      // grown by as much again (a full disk may have room by then; reopen replays a longer journal).
      this.snapshotDueAt = this.journal + this.minJournal;
    }
  }

  /**
   * Writes the whole index as a snapshot and empties the journal (one transaction), so the next open
   * copies blocks instead of replaying rows. Blocks are encoded one at a time (memory peak: one block).
   */
  snapshot(blockTraces = BLOCK_TRACES): void {
    const order = this.order.settle().filter((s) => this.ctx.slots.live[s] === 1);
    const { part, remap } = encodeHead(this.ctx, order);
    const ctx = this.ctx;
    function* parts(): Generator<Buffer> {
      yield part;
      for (let i = 0; i < order.length; i += blockTraces) yield encodeBlock(ctx, order, i, Math.min(order.length, i + blockTraces), remap);
    }
    this.tables.writeSnapshot(parts());
    this.journal = 0;
    this.snapshotDueAt = this.minJournal;
  }

  /** A snapshot if anything changed since the last one. */
  checkpoint(): void {
    if (this.journal > 0) this.snapshot();
  }

  /** On open: copy the snapshot's blocks, then replay the journal (drops, then records); no document parsed. */
  load(): void {
    for (const n of this.tables.nodes()) this.ctx.restoreIdentity(n.id, n.name, n.type ?? undefined, n.account ?? undefined, n.inferred === 1);
    let texts: number[] = [];
    for (const [part, data] of this.tables.snapshotParts()) {
      if (part === 0) {
        const head = JSON.parse(data.toString('utf8')) as SnapshotHead;
        // Sized once, with the 1/8 headroom trim keeps (room for the journal and the next traces):
        // growing by doubling while loading would overshoot by up to half, then copy to trim.
        const room = (n: number) => Math.ceil(n * 1.125);
        this.ctx.slots.ensureRoom(room(head.traces));
        this.ctx.cols.ensureRoom(room(head.entities), room(head.layout));
        texts = head.texts.map((json) => internTexts(this.ctx, json));
      } else decodeBlock(this.ctx, data, texts, (s) => this.order.appendSorted(s));
    }
    for (const id of this.tables.dropped()) {
      const t = this.find(id);
      if (t) this.drop(t);
    }
    for (const [id, rec] of this.tables.records()) {
      const prev = this.find(id);
      if (prev) this.replacing(prev);
      this.keep(decodeRecord(this.ctx, id, rec));
    }
    this.journal = this.tables.journalRows();
    this.settled();
    this.ctx.cols.maybeCompact(this.all());
  }

  /** After a bulk load: the order sorted, the columns' growth slack given back. */
  settled(): void {
    this.order.settle();
    this.ctx.cols.trim();
    this.ctx.slots.trim();
  }
}
