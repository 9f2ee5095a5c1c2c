/**
 * The per-trace numbers of every stored trace, in typed columns indexed by a trace slot instead of one
 * object per trace (an object with its fields, boxed doubles, id string, Map entry and order slot cost
 * ~520 B of V8 heap; a slot costs ~90 B: BENCHMARKS.md, issue 16 "columns"). Read through the accessors
 * of trace-index.ts (TraceIndex is a short-lived view of one slot).
 * - times: start, end (f64); ints: the fields below (i32); ids: the packed trace id (trace-ids.ts).
 * - texts: each slot points at an interned tuple of its root HTTP fields and lists; lab traffic shares
 *   a handful of tuples between all traces.
 * - a hash (open addressing, linear probing, Int32Array) finds a trace's slot by id.
 * A retired slot (trace replaced or swept) is reused only after the result order has dropped it
 * (recycle), so the order never holds a slot that now belongs to another trace.
 */
import type { AnnotationScalar } from './segments.js';
import { ID_WORDS, idHash, isTraceId, packId, unpackId } from './trace-ids.js';

/** Field positions in a slot's row of `ints`. */
export const F = { revision: 0, bytes: 1, entOff: 2, entCount: 3, layOff: 4, nodeCount: 5, edgeCount: 6, rootNode: 7, rootEnt: 8, flags: 9, texts: 10 } as const;
export const INTS = 11;

/** A trace's root HTTP fields and value lists; `json` is its persisted form (also its interning key). */
export interface TraceTexts {
  json: string;
  /** `json` as UTF-8, made once per tuple for the journal records of all its traces. */
  jsonBytes: Buffer;
  rootUrl?: string;
  rootMethod?: string;
  rootUserAgent?: string;
  rootClientIp?: string;
  users: readonly string[];
  /** Flat key, value, key, value … of every distinct annotation pair. */
  annotations: readonly (string | AnnotationScalar)[];
  arns: readonly string[];
  instanceIds: readonly string[];
  zones: readonly string[];
}

export class TraceSlots {
  times = new Float64Array(2 * 1024);
  ints = new Int32Array(INTS * 1024);
  ids = new Uint32Array(ID_WORDS * 1024);
  live = new Uint8Array(1024);
  /** Slots ever handed out (live, retired or free). */
  high = 0;
  /** Live traces. */
  size = 0;
  readonly texts: TraceTexts[] = [];
  private readonly textsByJson = new Map<string, number>();
  private free: number[] = [];
  private retired: number[] = [];
  /** id → slot; -1 = empty. Kept at most half full. */
  private table = new Int32Array(2048).fill(-1);
  private readonly probe = new Uint32Array(ID_WORDS);

  /** A fresh slot for trace `id` (not yet findable: `put` publishes it). */
  alloc(id: string): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.grow(1);
    packId(id, this.ids, slot);
    return slot;
  }

  /** `n` consecutive new slots (bulk load); returns the first. */
  allocBlock(n: number): number {
    return this.grow(n);
  }

  /** Makes `slot` the one found for its id; returns the slot it replaced, or -1. */
  put(slot: number): number {
    if ((this.size + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    const mask = this.table.length - 1;
    for (let h = idHash(this.ids, slot, mask); ; h = (h + 1) & mask) {
      const s = this.table[h];
      if (s === -1) {
        this.table[h] = slot;
        this.live[slot] = 1;
        this.size++;
        return -1;
      }
      if (this.sameId(s, slot)) {
        this.table[h] = slot;
        this.live[slot] = 1;
        return s;
      }
    }
  }

  /** The live slot of trace `id`, or -1. */
  find(id: string): number {
    if (!isTraceId(id)) return -1;
    packId(id, this.probe, 0);
    const mask = this.table.length - 1;
    const p = this.probe;
    for (let h = idHash(p, 0, mask); ; h = (h + 1) & mask) {
      const s = this.table[h];
      if (s === -1) return -1;
      const o = s * ID_WORDS;
      if (this.ids[o] === p[0] && this.ids[o + 1] === p[1] && this.ids[o + 2] === p[2] && this.ids[o + 3] === p[3]) return s;
    }
  }

  /** Forgets a live trace (swept): no longer found; its slot waits for `recycle`. */
  remove(slot: number): void {
    const mask = this.table.length - 1;
    let h = idHash(this.ids, slot, mask);
    while (this.table[h] !== slot) {
      if (this.table[h] === -1) throw new Error(`trace slot ${slot} is not in the id hash`);
      h = (h + 1) & mask;
    }
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (let next = (h + 1) & mask; this.table[next] !== -1; next = (next + 1) & mask) {
      const home = idHash(this.ids, this.table[next], mask);
      if (((next - home) & mask) >= ((next - h) & mask)) {
        this.table[h] = this.table[next];
        h = next;
      }
    }
    this.table[h] = -1;
    this.size--;
    this.retire(slot);
  }

  /** A slot no longer current (replaced by `put`, or removed): reusable after the next `recycle`. */
  retire(slot: number): void {
    this.live[slot] = 0;
    this.retired.push(slot);
  }

  /** The result order holds no retired slot any more: they may be handed out again. */
  recycle(): void {
    for (const s of this.retired) this.free.push(s);
    this.retired = [];
  }

  idOf(slot: number): string {
    return unpackId(this.ids, slot);
  }

  /** The index of the tuple whose persisted form is `json`, made by `make` when new. */
  internTexts(json: string, make: () => Omit<TraceTexts, 'json' | 'jsonBytes'>): number {
    let i = this.textsByJson.get(json);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push({ json, jsonBytes: Buffer.from(json), ...make() });
      this.textsByJson.set(json, i);
    }
    return i;
  }

  private sameId(a: number, b: number): boolean {
    const x = a * ID_WORDS;
    const y = b * ID_WORDS;
    return this.ids[x] === this.ids[y] && this.ids[x + 1] === this.ids[y + 1] && this.ids[x + 2] === this.ids[y + 2] && this.ids[x + 3] === this.ids[y + 3];
  }

  private grow(n: number): number {
    const first = this.high;
    this.high += n;
    if (this.high > this.live.length) this.resize(Math.max(this.live.length * 2, this.high));
    return first;
  }

  /** Capacity to exactly `cap` slots (≥ high): growing doubles, `trim` gives back the slack after a bulk load. */
  resize(cap: number): void {
    const copy = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, b: T, per: number): T => {
      b.set(a.subarray(0, Math.min(a.length, this.high * per)));
      return b;
    };
    this.times = copy(this.times, new Float64Array(cap * 2), 2);
    this.ints = copy(this.ints, new Int32Array(cap * INTS), INTS);
    this.ids = copy(this.ids, new Uint32Array(cap * ID_WORDS), ID_WORDS);
    this.live = copy(this.live, new Uint8Array(cap), 1);
  }

  /** Room for `n` more slots without growing (a bulk load of known size). */
  ensureRoom(n: number): void {
    if (this.high + n > this.live.length) this.resize(this.high + n);
  }

  /** Keeps 1/8 headroom above the slots in use. */
  trim(): void {
    const cap = Math.max(1024, Math.ceil(this.high * 1.125));
    if (cap < this.live.length) this.resize(cap);
  }

  private rehash(cap: number): void {
    const old = this.table;
    this.table = new Int32Array(cap).fill(-1);
    const mask = cap - 1;
    for (const s of old) {
      if (s === -1) continue;
      let h = idHash(this.ids, s, mask);
      while (this.table[h] !== -1) h = (h + 1) & mask;
      this.table[h] = s;
    }
  }
}
