/**
 * A trace's compact record as bytes (little-endian, as the typed columns are on every platform Node
 * runs the local cloud on), written in the same transaction as its documents: the journal of what
 * changed since the last snapshot (snapshot-codec.ts), replayed on open. Layout, fixed part first:
 *   f64 start, f64 end,
 *   i32 revision, bytes, entCount, nodeCount, edgeCount, rootNode, rootEnt, flags,
 *   entCount × f64 start, entCount × f64 end, entCount × u32 meta, layoutSize × i32 layout,
 *   UTF-8 JSON [rootUrl, rootMethod, rootUserAgent, rootClientIp, users, annotations, arns, instanceIds, zones].
 * The columns are stored column by column, exactly as the in-memory columns hold them, so decoding
 * is four byte copies (reopen time is dominated by the per-record cost).
 * Node identities are referenced by id: the store persists them (xray_nodes) so ids survive a reopen.
 * Entity and layout offsets are not stored: a decoded record gets fresh ones in the shared columns.
 */
import { layoutSize } from './entity-columns.js';
import { internTexts, TraceIndex, writeSlot, type IndexContext } from './trace-index.js';

/**
 * Bumped whenever the layout above, or what buildIndex derives from documents (node identities,
 * flags …), changes: a store whose records have another version rebuilds them from the documents.
 * 3: inferred DynamoDB segments are named DynamoDB (their node keeps the table's name).
 * 4: each trace's TraceSummary is persisted beside its record (xray_summaries), so older stores build them once.
 * 5: records live in snapshot blocks (xray_snapshot) plus this per-trace journal (xray_index, xray_dropped).
 */
export const INDEX_FORMAT = 5;

const FIXED = 16 + 8 * 4;
const ENTITY = 20;

/** A byte view of a typed column, cached per underlying buffer (columns are replaced when they grow). */
const byteViews = new WeakMap<ArrayBufferLike, Buffer>();
function bytesOf(a: Float64Array | Uint32Array | Int32Array): Buffer {
  let v = byteViews.get(a.buffer);
  if (!v) byteViews.set(a.buffer, (v = Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  return v;
}

export function encodeRecord(t: TraceIndex, ctx: IndexContext): Buffer {
  const cols = ctx.cols;
  const json = t.textsBytes;
  const lay = layoutSize(t);
  const buf = Buffer.allocUnsafe(FIXED + t.entCount * ENTITY + lay * 4 + json.length);
  buf.writeDoubleLE(t.start, 0);
  buf.writeDoubleLE(t.end, 8);
  let o = 16;
  o = buf.writeInt32LE(t.revision, o);
  o = buf.writeInt32LE(t.bytes, o);
  o = buf.writeInt32LE(t.entCount, o);
  o = buf.writeInt32LE(t.nodeCount, o);
  o = buf.writeInt32LE(t.edgeCount, o);
  o = buf.writeInt32LE(t.rootNode, o);
  o = buf.writeInt32LE(t.rootEnt, o);
  o = buf.writeInt32LE(t.flags, o);
  o += bytesOf(cols.start).copy(buf, o, t.entOff * 8, (t.entOff + t.entCount) * 8);
  o += bytesOf(cols.end).copy(buf, o, t.entOff * 8, (t.entOff + t.entCount) * 8);
  o += bytesOf(cols.meta).copy(buf, o, t.entOff * 4, (t.entOff + t.entCount) * 4);
  o += bytesOf(cols.layout).copy(buf, o, t.layOff * 4, (t.layOff + lay) * 4);
  json.copy(buf, o);
  return buf;
}

/** Decodes a journal record into a new slot (not yet published: TraceSlots.put). Shared text tuples are parsed once. */
export function decodeRecord(ctx: IndexContext, id: string, buf: Buffer): TraceIndex {
  const cols = ctx.cols;
  const entCount = buf.readInt32LE(24);
  const nodeCount = buf.readInt32LE(28);
  const edgeCount = buf.readInt32LE(32);
  let o = FIXED;
  const entOff = cols.reserve(entCount);
  o += buf.copy(bytesOf(cols.start), entOff * 8, o, o + entCount * 8);
  o += buf.copy(bytesOf(cols.end), entOff * 8, o, o + entCount * 8);
  o += buf.copy(bytesOf(cols.meta), entOff * 4, o, o + entCount * 4);
  const lay = layoutSize({ nodeCount, edgeCount });
  const words = new Int32Array(lay);
  for (let i = 0; i < lay; i++, o += 4) words[i] = buf.readInt32LE(o);
  const layOff = cols.internLayout(words);
  const slot = ctx.slots.alloc(id);
  writeSlot(ctx.slots, slot, buf.readDoubleLE(0), buf.readDoubleLE(8), {
    revision: buf.readInt32LE(16), bytes: buf.readInt32LE(20), entOff, entCount, layOff, nodeCount, edgeCount,
    rootNode: buf.readInt32LE(36), rootEnt: buf.readInt32LE(40), flags: buf.readInt32LE(44),
    texts: internTexts(ctx, buf.toString('utf8', o)),
  });
  return new TraceIndex(ctx.slots, slot, id);
}
