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

/** The interning key of a layout: its words. */
function layoutKey(words: ArrayLike<number>, from: number, n: number): string {
  let key = '';
  for (let i = 0; i < n; i++) key += `${words[from + i]},`;
  return key;
}

/** One distinct layout: where it lies, its size, and how many live traces use it. */
interface SharedLayout {
  off: number;
  size: number;
  users: number;
}

/** Columns grow by half beyond this many elements (doubling a 100 MB column overshoots by 100 MB). */
const GROW_GENTLY_ABOVE = 1 << 20;
const grown = (cap: number, need: number) => Math.max(cap >= GROW_GENTLY_ABOVE ? Math.ceil(cap * 1.5) : cap * 2, need);

/**
 * Numbers for all traces in shared typed arrays: a trace owns the entity block
 * [entOff, entOff + entCount); blocks of dropped or re-indexed traces become garbage until the next
 * compaction. Layout blocks [layOff, layOff + 3 × nodeCount + 4 × edgeCount) are shared by every trace of
 * the same shape (same services, segment counts and calls: lab traffic has a few hundred shapes for a
 * million traces), counted, and garbage once their last trace goes.
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
  private readonly layouts = new Map<string, SharedLayout>();
  /** The same layouts by offset (sizes > 0 have distinct offsets), so releasing needs no key. */
  private readonly layoutAt = new Map<number, SharedLayout>();
  /** The layout interned last: consecutive traces mostly share their shape, and then no key is built. */
  private lastLayout?: SharedLayout;

  reserve(n: number): number {
    if (this.length + n > this.start.length) this.resize(grown(this.start.length, this.length + n));
    const off = this.length;
    this.length += n;
    return off;
  }

  reserveLayout(n: number): number {
    if (this.layoutLength + n > this.layout.length) {
      const next = new Int32Array(grown(this.layout.length, this.layoutLength + n));
      next.set(this.layout.subarray(0, this.layoutLength));
      this.layout = next;
    }
    const off = this.layoutLength;
    this.layoutLength += n;
    return off;
  }

  /** The offset of a layout equal to `words[from … from + n)`, shared; `users` traces start using it. */
  internLayout(words: ArrayLike<number>, from = 0, n = words.length - from, users = 1): number {
    let shared = this.lastLayout;
    if (!shared || shared.users === 0 || !this.equalsLayout(shared, words, from, n)) {
      const key = layoutKey(words, from, n);
      shared = this.layouts.get(key);
      if (!shared) {
        const off = this.reserveLayout(n);
        for (let i = 0; i < n; i++) this.layout[off + i] = words[from + i];
        shared = { off, size: n, users: 0 };
        this.layouts.set(key, shared);
        if (n > 0) this.layoutAt.set(off, shared);
      }
      this.lastLayout = shared;
    }
    shared.users += users;
    return shared.off;
  }

  private equalsLayout(shared: SharedLayout, words: ArrayLike<number>, from: number, n: number): boolean {
    if (shared.size !== n) return false;
    for (let i = 0; i < n; i++) if (this.layout[shared.off + i] !== words[from + i]) return false;
    return true;
  }

  release(t: TraceIndex): void {
    this.dead += t.entCount;
    const size = layoutSize(t);
    const shared = size > 0 ? this.layoutAt.get(t.layOff)! : this.layouts.get('')!;
    if (--shared.users > 0) return;
    this.layouts.delete(layoutKey(this.layout, shared.off, size));
    this.layoutAt.delete(shared.off);
    this.layoutDead += size;
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

  /**
   * Move live blocks together once a quarter of the columns is garbage (swept or re-indexed traces): a
   * compaction copies the live entities once, and waiting for half would let a store that sweeps and
   * ingests every day hold about twice its live entities.
   */
  maybeCompact(traces: Iterable<TraceIndex>, minDead = 65_536): void {
    const ents = this.dead >= minDead && this.dead * 4 >= this.length;
    const lay = this.layoutDead >= minDead && this.layoutDead * 4 >= this.layoutLength;
    if (!ents && !lay) return;
    const next = new EntityColumns();
    next.resize(Math.max(1024, Math.ceil((this.length - this.dead) * 1.5)));
    next.layout = new Int32Array(Math.max(1024, Math.ceil((this.layoutLength - this.layoutDead) * 1.5)));
    // Each live layout once, in the new column; then every trace follows its layout there.
    const moved = new Map<number, number>();
    this.layoutAt.clear();
    for (const shared of this.layouts.values()) {
      const lo = next.reserveLayout(shared.size);
      next.layout.set(this.layout.subarray(shared.off, shared.off + shared.size), lo);
      if (shared.size > 0) {
        moved.set(shared.off, lo);
        this.layoutAt.set(lo, shared);
      }
      shared.off = lo;
    }
    for (const t of traces) {
      const off = next.reserve(t.entCount);
      next.start.set(this.start.subarray(t.entOff, t.entOff + t.entCount), off);
      next.end.set(this.end.subarray(t.entOff, t.entOff + t.entCount), off);
      next.meta.set(this.meta.subarray(t.entOff, t.entOff + t.entCount), off);
      t.entOff = off;
      t.layOff = moved.get(t.layOff) ?? 0;
    }
    Object.assign(this, { start: next.start, end: next.end, meta: next.meta, length: next.length, dead: 0 });
    Object.assign(this, { layout: next.layout, layoutLength: next.layoutLength, layoutDead: 0 });
  }

  /**
   * Gives back the slack that growing left once a bulk load is done (at a million traces that can be
   * over 100 MB). Keeps 1/8 headroom for the traces that follow.
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
