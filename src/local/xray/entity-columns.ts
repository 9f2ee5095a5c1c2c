/**
 * Per-entity numbers of all traces (segments and caller-side calls) and their node/edge layouts, in
 * shared typed arrays; read through the accessors of trace-index.ts.
 */
import type { EntityStat, TraceIndex } from './trace-index.js';

export const NODE_WORDS = 3;
export const EDGE_WORDS = 4;

/** Words of a trace's layout: 3 per node, 4 per edge (readers: trace-index.ts). */
export function layoutSize(t: Pick<TraceIndex, 'nodeCount' | 'edgeCount'>): number {
  return t.nodeCount * NODE_WORDS + t.edgeCount * EDGE_WORDS;
}

/**
 * Numbers for all traces in shared typed arrays: a trace owns the entity block
 * [entOff, entOff + entCount) and the layout block [layOff, layOff + 3 × nodeCount + 4 × edgeCount).
 * Blocks of dropped or re-indexed traces become garbage until the next compaction.
 */
export class EntityColumns {
  start = new Float64Array(1024);
  end = new Float64Array(1024);
  /** flags in the low 8 bits, HTTP status above. */
  meta = new Uint32Array(1024);
  length = 0;
  dead = 0;
  /** Per node: identity id, first segment (relative to entOff), segment count; then per edge: caller
   * node, callee node (indexes into the trace's nodes), first call (relative), call count. */
  layout = new Int32Array(1024);
  layoutLength = 0;
  layoutDead = 0;

  reserve(n: number): number {
    if (this.length + n > this.start.length) this.resize(Math.max(this.start.length * 2, this.length + n));
    const off = this.length;
    this.length += n;
    return off;
  }

  reserveLayout(n: number): number {
    if (this.layoutLength + n > this.layout.length) {
      const next = new Int32Array(Math.max(this.layout.length * 2, this.layoutLength + n));
      next.set(this.layout.subarray(0, this.layoutLength));
      this.layout = next;
    }
    const off = this.layoutLength;
    this.layoutLength += n;
    return off;
  }

  release(t: TraceIndex): void {
    this.dead += t.entCount;
    this.layoutDead += layoutSize(t);
  }

  set(i: number, s: EntityStat): void {
    this.start[i] = s.start;
    this.end[i] = s.end;
    this.meta[i] = (s.flags & 0xff) | (Math.max(0, Math.min(s.status, 0xffffff)) << 8);
  }

  flags(i: number): number {
    return this.meta[i] & 0xff;
  }

  status(i: number): number {
    return this.meta[i] >>> 8;
  }

  stat(i: number): EntityStat {
    return { start: this.start[i], end: this.end[i], flags: this.flags(i), status: this.status(i) };
  }

  /** Move live blocks together once more than half the columns are garbage. */
  maybeCompact(traces: Iterable<TraceIndex>, minDead = 65_536): void {
    const ents = this.dead >= minDead && this.dead * 2 >= this.length;
    const lay = this.layoutDead >= minDead && this.layoutDead * 2 >= this.layoutLength;
    if (!ents && !lay) return;
    const next = new EntityColumns();
    next.resize(Math.max(1024, Math.ceil((this.length - this.dead) * 1.5)));
    next.layout = new Int32Array(Math.max(1024, Math.ceil((this.layoutLength - this.layoutDead) * 1.5)));
    for (const t of traces) {
      const off = next.reserve(t.entCount);
      next.start.set(this.start.subarray(t.entOff, t.entOff + t.entCount), off);
      next.end.set(this.end.subarray(t.entOff, t.entOff + t.entCount), off);
      next.meta.set(this.meta.subarray(t.entOff, t.entOff + t.entCount), off);
      t.entOff = off;
      const n = layoutSize(t);
      const lo = next.reserveLayout(n);
      next.layout.set(this.layout.subarray(t.layOff, t.layOff + n), lo);
      t.layOff = lo;
    }
    Object.assign(this, { start: next.start, end: next.end, meta: next.meta, length: next.length, dead: 0 });
    Object.assign(this, { layout: next.layout, layoutLength: next.layoutLength, layoutDead: 0 });
  }

  /**
   * Gives back the slack that doubling left (up to half of each column) once a bulk load is done: at a
   * million traces that is over 100 MB. Keeps 1/8 headroom for the traces that follow.
   */
  trim(): void {
    const cap = Math.max(1024, Math.ceil(this.length * 1.125));
    if (cap < this.start.length) this.resize(cap);
    const layCap = Math.max(1024, Math.ceil(this.layoutLength * 1.125));
    if (layCap < this.layout.length) this.layout = this.layout.slice(0, layCap);
  }

  /** Room for `entities` more entities and `words` more layout words without growing (a bulk load of known size). */
  ensureRoom(entities: number, words: number): void {
    if (this.length + entities > this.start.length) this.resize(this.length + entities);
    if (this.layoutLength + words > this.layout.length) {
      const next = new Int32Array(this.layoutLength + words);
      next.set(this.layout.subarray(0, this.layoutLength));
      this.layout = next;
    }
  }

  private resize(cap: number): void {
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.start = grow(this.start, (n) => new Float64Array(n));
    this.end = grow(this.end, (n) => new Float64Array(n));
    this.meta = grow(this.meta, (n) => new Uint32Array(n));
  }
}
