/**
 * A trace's compact record as bytes (little-endian, as the typed columns are on every platform Node
 * runs the local cloud on), persisted next to its documents so the store reopens without
 * parsing a single document. Layout, fixed part first:
 *   f64 start, f64 end,
 *   i32 revision, bytes, entCount, nodeCount, edgeCount, rootNode, rootEnt, flags,
 *   entCount × f64 start, entCount × f64 end, entCount × u32 meta, layoutSize × i32 layout,
 *   UTF-8 JSON [rootUrl, rootMethod, rootUserAgent, rootClientIp, users, annotations, arns, instanceIds, zones].
 * The columns are stored column by column, exactly as the in-memory columns hold them, so decoding
 * is four byte copies (reopen time is dominated by the per-record cost).
 * Node identities are referenced by id: the store persists them (xray_nodes) so ids survive a reopen.
 * Entity and layout offsets are not stored: a decoded record gets fresh ones in the shared columns.
 */
import { traceIdEpoch, type AnnotationScalar } from './segments.js';
import { layoutSize, type IndexContext, type TraceIndex } from './trace-index.js';

/**
 * Bumped whenever the layout above, or what buildIndex derives from documents (node identities,
 * flags …), changes: a store whose records have another version rebuilds them from the documents.
 * 3: inferred DynamoDB segments are named DynamoDB (their node keeps the table's name).
 * 4: each trace's TraceSummary is persisted beside its record (xray_summaries), so older stores build them once.
 */
export const INDEX_FORMAT = 4;

const FIXED = 16 + 8 * 4;
const ENTITY = 20;

/** A byte view of a typed column, cached per underlying buffer (columns are replaced when they grow). */
const byteViews = new WeakMap<ArrayBufferLike, Buffer>();
function bytesOf(a: Float64Array | Uint32Array | Int32Array): Buffer {
  let v = byteViews.get(a.buffer);
  if (!v) byteViews.set(a.buffer, (v = Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  return v;
}

type Texts = [string | null, string | null, string | null, string | null, string[], (string | AnnotationScalar)[], string[], string[], string[]];

export function encodeRecord(t: TraceIndex, ctx: IndexContext): Buffer {
  const cols = ctx.cols;
  const texts: Texts = [t.rootUrl ?? null, t.rootMethod ?? null, t.rootUserAgent ?? null, t.rootClientIp ?? null,
    t.users as string[], t.annotations as (string | AnnotationScalar)[], t.arns as string[], t.instanceIds as string[], t.zones as string[]];
  const json = Buffer.from(JSON.stringify(texts));
  const lay = layoutSize(t);
  const buf = Buffer.allocUnsafe(FIXED + t.entCount * ENTITY + lay * 4 + json.length);
  buf.writeDoubleLE(t.start, 0);
  buf.writeDoubleLE(t.end, 8);
  let o = 16;
  for (const v of [t.revision, t.bytes, t.entCount, t.nodeCount, t.edgeCount, t.rootNode, t.rootEnt, t.flags]) o = buf.writeInt32LE(v, o);
  o += bytesOf(cols.start).copy(buf, o, t.entOff * 8, (t.entOff + t.entCount) * 8);
  o += bytesOf(cols.end).copy(buf, o, t.entOff * 8, (t.entOff + t.entCount) * 8);
  o += bytesOf(cols.meta).copy(buf, o, t.entOff * 4, (t.entOff + t.entCount) * 4);
  o += bytesOf(cols.layout).copy(buf, o, t.layOff * 4, (t.layOff + lay) * 4);
  json.copy(buf, o);
  return buf;
}

/** Most traces repeat a few text tuples (same URL, user, annotations): parse each distinct one once per open. */
export class RecordDecoder {
  private readonly texts = new Map<string, Texts>();

  constructor(private readonly ctx: IndexContext) {}

  decode(id: string, buf: Buffer): TraceIndex {
    const { ctx } = this;
    const cols = ctx.cols;
    const start = buf.readDoubleLE(0);
    const end = buf.readDoubleLE(8);
    const revision = buf.readInt32LE(16);
    const bytes = buf.readInt32LE(20);
    const entCount = buf.readInt32LE(24);
    const nodeCount = buf.readInt32LE(28);
    const edgeCount = buf.readInt32LE(32);
    const rootNode = buf.readInt32LE(36);
    const rootEnt = buf.readInt32LE(40);
    const flags = buf.readInt32LE(44);
    let o = FIXED;
    const entOff = cols.reserve(entCount);
    o += buf.copy(bytesOf(cols.start), entOff * 8, o, o + entCount * 8);
    o += buf.copy(bytesOf(cols.end), entOff * 8, o, o + entCount * 8);
    o += buf.copy(bytesOf(cols.meta), entOff * 4, o, o + entCount * 4);
    const lay = layoutSize({ nodeCount, edgeCount });
    const layOff = cols.reserveLayout(lay);
    o += buf.copy(bytesOf(cols.layout), layOff * 4, o, o + lay * 4);
    const key = buf.toString('utf8', o);
    let texts = this.texts.get(key);
    if (!texts) {
      const raw = JSON.parse(key) as Texts;
      texts = [ctx.str(raw[0] ?? undefined) ?? null, ctx.str(raw[1] ?? undefined) ?? null, ctx.str(raw[2] ?? undefined) ?? null, ctx.str(raw[3] ?? undefined) ?? null,
        ctx.list(raw[4]) as string[], ctx.list(raw[5]) as (string | AnnotationScalar)[], ctx.list(raw[6]) as string[], ctx.list(raw[7]) as string[], ctx.list(raw[8]) as string[]];
      this.texts.set(key, texts);
    }
    // Field order as in buildIndex, so decoded and built records share one hidden class.
    return {
      id, idEpoch: traceIdEpoch(id), start, end, revision, bytes,
      entOff, entCount, layOff, nodeCount, edgeCount, rootNode, rootEnt,
      rootUrl: texts[0] ?? undefined, rootMethod: texts[1] ?? undefined, rootUserAgent: texts[2] ?? undefined, rootClientIp: texts[3] ?? undefined,
      flags, users: texts[4], annotations: texts[5], arns: texts[6], instanceIds: texts[7], zones: texts[8],
    };
  }
}
