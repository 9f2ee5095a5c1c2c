/**
 * A trace's compact record as bytes, persisted next to its documents so the store reopens without
 * parsing a single document. Layout (little-endian), fixed part first:
 *   f64 start, f64 end,
 *   i32 revision, bytes, entCount, nodeCount, edgeCount, rootNode, rootEnt, flags,
 *   entCount × (f64 start, f64 end, u32 meta), layoutSize × i32 layout,
 *   UTF-8 JSON [rootUrl, rootMethod, rootUserAgent, rootClientIp, users, annotations, arns, instanceIds, zones].
 * Node identities are referenced by id: the store persists them (xray_nodes) so ids survive a reopen.
 * Entity and layout offsets are not stored: a decoded record gets fresh ones in the shared columns.
 */
import { traceIdEpoch, type AnnotationScalar } from './segments.js';
import { layoutSize, type IndexContext, type TraceIndex } from './trace-index.js';

/** Bumped whenever the layout above changes: a store whose records have another version rebuilds them from the documents. */
export const INDEX_FORMAT = 1;

const FIXED = 16 + 8 * 4;
const ENTITY = 20;

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
  for (let i = t.entOff; i < t.entOff + t.entCount; i++) {
    o = buf.writeDoubleLE(cols.start[i], o);
    o = buf.writeDoubleLE(cols.end[i], o);
    o = buf.writeUInt32LE(cols.meta[i], o);
  }
  for (let i = t.layOff; i < t.layOff + lay; i++) o = buf.writeInt32LE(cols.layout[i], o);
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
    const [revision, bytes, entCount, nodeCount, edgeCount, rootNode, rootEnt, flags] = Array.from({ length: 8 }, (_, k) => buf.readInt32LE(16 + k * 4));
    let o = FIXED;
    const entOff = cols.reserve(entCount);
    for (let i = entOff; i < entOff + entCount; i++, o += ENTITY) {
      cols.start[i] = buf.readDoubleLE(o);
      cols.end[i] = buf.readDoubleLE(o + 8);
      cols.meta[i] = buf.readUInt32LE(o + 16);
    }
    const lay = layoutSize({ nodeCount, edgeCount });
    const layOff = cols.reserveLayout(lay);
    for (let i = layOff; i < layOff + lay; i++, o += 4) cols.layout[i] = buf.readInt32LE(o);
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
