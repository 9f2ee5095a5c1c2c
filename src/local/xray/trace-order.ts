/**
 * The stored traces in result order, so a query page walks only what it returns plus what it skips.
 * Records are kept sorted by (start, id) ascending; queries walk it backwards (newest first) from a
 * cursor found by binary search. New records wait in a small unsorted tail until the next query
 * settles them in: traces usually arrive newest-last, so settling is an append; a late one costs one
 * merge. Replaced and deleted records are dropped lazily (the owner says which record is current).
 * The store orders trace slots (small integers read through OrderKeys); objects with the fields work too.
 */

/** Result order: start time, then trace id. Negative when `a` comes before (is older than) `b`. */
export function compareTraces(a: { start: number; id: string }, b: { start: number; id: string }): number {
  return a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** How far a record's other times may lie from its start: lets a window over end or id time become a start range. */
export interface Spread {
  /** Largest end − start seen. */
  span: number;
  /** Largest start − idEpoch seen (a trace id stamped before the first segment started). */
  idLag: number;
  /** Largest idEpoch − start seen. */
  idLead: number;
}

/** What the order reads of an item. */
export interface OrderKeys<T> {
  start(t: T): number;
  end(t: T): number;
  idEpoch(t: T): number;
  /** Result order of two items (as compareTraces). */
  compare(a: T, b: T): number;
  /** Result order of an item against a (start, id) key. */
  compareKey(t: T, start: number, id: string): number;
}

interface Keyed {
  id: string;
  start: number;
  end: number;
  idEpoch: number;
}

const objectKeys: OrderKeys<Keyed> = {
  start: (t) => t.start,
  end: (t) => t.end,
  idEpoch: (t) => t.idEpoch,
  compare: compareTraces,
  compareKey: (t, start, id) => compareTraces(t, { start, id }),
};

export class TraceOrder<T = Keyed> {
  private sorted: T[] = [];
  private tail: T[] = [];
  private stale = 0;
  readonly spread: Spread = { span: 0, idLag: 0, idLead: 0 };

  /**
   * `isCurrent(t)` is true while `t` is the stored record of its trace; `purged` runs once the order
   * holds no replaced record any more.
   */
  constructor(
    private readonly isCurrent: (t: T) => boolean,
    private readonly keys: OrderKeys<T> = objectKeys as unknown as OrderKeys<T>,
    private readonly purged: () => void = () => {},
  ) {}

  add(t: T): void {
    this.tail.push(t);
    this.widen(t);
  }

  /** Bulk load of items already in order, each after the ones before (a snapshot's blocks). */
  appendSorted(t: T): void {
    this.sorted.push(t);
    this.widen(t);
  }

  private widen(t: T): void {
    const s = this.spread;
    const k = this.keys;
    const start = k.start(t);
    const idEpoch = k.idEpoch(t);
    if (k.end(t) - start > s.span) s.span = k.end(t) - start;
    if (start - idEpoch > s.idLag) s.idLag = start - idEpoch;
    if (idEpoch - start > s.idLead) s.idLead = idEpoch - start;
  }

  /** A record was replaced or deleted: it stays in the array, skipped, until enough pile up. */
  dropped(): void {
    this.stale++;
  }

  /** The records in (start, id) order; may still hold replaced ones (check with isCurrent). */
  settle(): readonly T[] {
    const k = this.keys;
    if (this.tail.length > 0) {
      const tail = this.tail.sort((a, b) => k.compare(a, b));
      this.tail = [];
      const s = this.sorted;
      // Only the part of the array newer than the oldest new record moves: concurrent requests end
      // (and arrive) slightly out of start order, so that part is short.
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (k.compare(s[mid], tail[0]) < 0) lo = mid + 1;
        else hi = mid;
      }
      const merged = merge(s.slice(lo), tail, k);
      s.length = lo;
      for (const t of merged) s.push(t);
    }
    if (this.stale > 1024 && this.stale * 4 > this.sorted.length) {
      this.sorted = this.sorted.filter(this.isCurrent);
      this.stale = 0;
      this.purged();
    }
    return this.sorted;
  }

  /** Number of positions (before settling out the stale ones). */
  get length(): number {
    return this.sorted.length + this.tail.length;
  }
}

function merge<T>(a: readonly T[], b: readonly T[], k: OrderKeys<T>): T[] {
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) out[n++] = k.compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[n++] = a[i++];
  while (j < b.length) out[n++] = b[j++];
  return out;
}

/** First position whose record sorts at or after `(start, id)` (id '' = before every id of that start). */
export function lowerBound<T = Keyed>(arr: readonly T[], start: number, id = '', keys: OrderKeys<T> = objectKeys as unknown as OrderKeys<T>): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys.compareKey(arr[mid], start, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
