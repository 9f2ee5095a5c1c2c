/**
 * The whole index as a few large BLOBs (xray_snapshot), so opening a store copies columns in blocks
 * instead of decoding one SQLite row per trace (at a million traces the per-row path cost ~9 µs a
 * trace: row stepping, a Buffer per row and its GC, a decode and a map insert).
 * Part 0, JSON: the totals (traces, entities, layout words: the columns are sized once on load) and
 * the text tuples the traces use, as an array of their persisted JSON strings.
 * Parts 1…: blocks of up to BLOCK_TRACES traces in result order (start, id), so the order is rebuilt
 * by appending. A block, little-endian, f64 sections first so every section stays aligned:
 *   u32 traces n, entities e, layout words l, 0;
 *   n × (f64 start, f64 end); e × f64 entity start; e × f64 entity end;
 *   n × 4 u32 packed id; n × INTS i32 slot fields (entOff and layOff relative to the block, texts = an
 *   index into part 0); e × u32 entity meta; l × i32 layouts, each distinct layout of the block once
 *   (traces of the same shape point at the same words, as in memory).
 * Written with the journal cleared in the same transaction (store-tables.ts), so the snapshot plus the
 * journal always describe exactly the documents the store holds.
 */
import { layoutSize } from './entity-columns.js';
import type { IndexContext } from './trace-index.js';
import { F, INTS } from './trace-slots.js';
import { ID_WORDS } from './trace-ids.js';

/** ~3.5 MB per block for lab traces: few rows, and a small memory peak on both sides (each block is one Buffer; glibc keeps freed chunks below 32 MB in its heap rather than returning them). */
export const BLOCK_TRACES = 16_384;

/** Part 0 of a snapshot. */
export interface SnapshotHead {
  traces: number;
  entities: number;
  layout: number;
  texts: string[];
}

/** Part 0 and the map from in-memory tuple indexes to the snapshot's (only tuples in use are written). */
export function encodeHead(ctx: IndexContext, order: readonly number[]): { part: Buffer; remap: Int32Array } {
  const { slots } = ctx;
  const remap = new Int32Array(slots.texts.length).fill(-1);
  // Layout words: an upper bound (each block holds its distinct layouts).
  const head: SnapshotHead = { traces: order.length, entities: 0, layout: ctx.cols.layoutLength, texts: [] };
  for (const s of order) {
    const r = s * INTS;
    head.entities += slots.ints[r + F.entCount];
    const t = slots.ints[r + F.texts];
    if (remap[t] === -1) {
      remap[t] = head.texts.length;
      head.texts.push(slots.texts[t].json);
    }
  }
  return { part: Buffer.from(JSON.stringify(head)), remap };
}

/** Encodes the live slots `order[from … to)` (already in result order) as one block. */
export function encodeBlock(ctx: IndexContext, order: readonly number[], from: number, to: number, remap: Int32Array): Buffer {
  const { slots, cols } = ctx;
  const n = to - from;
  let e = 0;
  let l = 0;
  // The block's distinct layouts: global offset → offset in the block.
  const layouts = new Map<number, number>();
  for (let i = from; i < to; i++) {
    const r = order[i] * INTS;
    e += slots.ints[r + F.entCount];
    const words = layoutSize({ nodeCount: slots.ints[r + F.nodeCount], edgeCount: slots.ints[r + F.edgeCount] });
    if (words > 0 && !layouts.has(slots.ints[r + F.layOff])) {
      layouts.set(slots.ints[r + F.layOff], l);
      l += words;
    }
  }
  const ab = new ArrayBuffer(16 + n * 16 + e * 16 + n * ID_WORDS * 4 + n * INTS * 4 + e * 4 + l * 4);
  new Uint32Array(ab, 0, 4).set([n, e, l, 0]);
  let o = 16;
  const section = <T>(make: (at: number) => T, bytes: number): T => {
    const v = make(o);
    o += bytes;
    return v;
  };
  const times = section((at) => new Float64Array(ab, at, n * 2), n * 16);
  const eStart = section((at) => new Float64Array(ab, at, e), e * 8);
  const eEnd = section((at) => new Float64Array(ab, at, e), e * 8);
  const ids = section((at) => new Uint32Array(ab, at, n * ID_WORDS), n * ID_WORDS * 4);
  const ints = section((at) => new Int32Array(ab, at, n * INTS), n * INTS * 4);
  const meta = section((at) => new Uint32Array(ab, at, e), e * 4);
  const lay = section((at) => new Int32Array(ab, at, l), l * 4);
  const written = new Set<number>();
  let eo = 0;
  for (let k = 0; k < n; k++) {
    const s = order[from + k];
    times[2 * k] = slots.times[2 * s];
    times[2 * k + 1] = slots.times[2 * s + 1];
    for (let w = 0; w < ID_WORDS; w++) ids[k * ID_WORDS + w] = slots.ids[s * ID_WORDS + w];
    const r = k * INTS;
    for (let f = 0; f < INTS; f++) ints[r + f] = slots.ints[s * INTS + f];
    const entOff = ints[r + F.entOff];
    const count = ints[r + F.entCount];
    for (let i = 0; i < count; i++) {
      eStart[eo + i] = cols.start[entOff + i];
      eEnd[eo + i] = cols.end[entOff + i];
      meta[eo + i] = cols.meta[entOff + i];
    }
    ints[r + F.entOff] = eo;
    eo += count;
    const layOff = ints[r + F.layOff];
    const words = layoutSize({ nodeCount: ints[r + F.nodeCount], edgeCount: ints[r + F.edgeCount] });
    const local = words > 0 ? layouts.get(layOff)! : 0;
    if (words > 0 && !written.has(local)) {
      written.add(local);
      for (let i = 0; i < words; i++) lay[local + i] = cols.layout[layOff + i];
    }
    ints[r + F.layOff] = local;
    ints[r + F.texts] = remap[ints[r + F.texts]];
  }
  return Buffer.from(ab);
}

/** Copies `bytes` bytes of `src` from `at` into a typed array from element `to` (any alignment of `src`). */
function copyInto(dst: Float64Array | Uint32Array | Int32Array, to: number, src: Buffer, at: number, bytes: number): number {
  new Uint8Array(dst.buffer, dst.byteOffset + to * dst.BYTES_PER_ELEMENT, bytes).set(src.subarray(at, at + bytes));
  return at + bytes;
}

/**
 * Appends a block's traces to the index, in its order: fresh consecutive slots, published by id, and
 * handed to `onSlot` (the result order). `texts` maps the snapshot's tuple indexes to the context's.
 */
export function decodeBlock(ctx: IndexContext, buf: Buffer, texts: readonly number[], onSlot: (slot: number) => void): void {
  const { slots, cols } = ctx;
  const n = buf.readUInt32LE(0);
  const e = buf.readUInt32LE(4);
  const l = buf.readUInt32LE(8);
  const first = slots.allocBlock(n);
  const entBase = cols.reserve(e);
  let o = 16;
  o = copyInto(slots.times, first * 2, buf, o, n * 16);
  o = copyInto(cols.start, entBase, buf, o, e * 8);
  o = copyInto(cols.end, entBase, buf, o, e * 8);
  o = copyInto(slots.ids, first * ID_WORDS, buf, o, n * ID_WORDS * 4);
  o = copyInto(slots.ints, first * INTS, buf, o, n * INTS * 4);
  o = copyInto(cols.meta, entBase, buf, o, e * 4);
  const lay = new Int32Array(l);
  copyInto(lay, 0, buf, o, l * 4);
  const ints = slots.ints;
  // The block's layouts, each interned once with its number of traces: no per-trace key.
  const layouts = new Map<number, { size: number; users: number; off: number }>();
  for (let s = first; s < first + n; s++) {
    const r = s * INTS;
    const size = layoutSize({ nodeCount: ints[r + F.nodeCount], edgeCount: ints[r + F.edgeCount] });
    const local = size > 0 ? ints[r + F.layOff] : -1 - size;
    const seen = layouts.get(local);
    if (seen) seen.users++;
    else layouts.set(local, { size, users: 1, off: 0 });
  }
  for (const [local, l] of layouts) l.off = cols.internLayout(lay, Math.max(local, 0), l.size, l.users);
  for (let s = first; s < first + n; s++) {
    const r = s * INTS;
    const size = layoutSize({ nodeCount: ints[r + F.nodeCount], edgeCount: ints[r + F.edgeCount] });
    ints[r + F.entOff] += entBase;
    ints[r + F.layOff] = layouts.get(size > 0 ? ints[r + F.layOff] : -1 - size)!.off;
    ints[r + F.texts] = texts[ints[r + F.texts]];
    slots.put(s);
    onSlot(s);
  }
}
