/**
 * The stored traces in result order, so a query page walks only what it returns plus what it skips.
 * Records are kept sorted by (start, id) ascending; queries walk it backwards (newest first) from a
 * cursor found by binary search. New records wait in a small unsorted tail until the next query
 * settles them in: traces usually arrive newest-last, so settling is an append; a late one costs one
 * merge. Replaced and deleted records are dropped lazily (the owner says which record is current).
 */
import type { TraceIndex } from './trace-index.js';

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

export class TraceOrder {
  private sorted: TraceIndex[] = [];
  private tail: TraceIndex[] = [];
  private stale = 0;
  readonly spread: Spread = { span: 0, idLag: 0, idLead: 0 };

  /** `isCurrent(t)` is true while `t` is the stored record of its trace. */
  constructor(private readonly isCurrent: (t: TraceIndex) => boolean) {}

  add(t: TraceIndex): void {
    this.tail.push(t);
    const s = this.spread;
    if (t.end - t.start > s.span) s.span = t.end - t.start;
    if (t.start - t.idEpoch > s.idLag) s.idLag = t.start - t.idEpoch;
    if (t.idEpoch - t.start > s.idLead) s.idLead = t.idEpoch - t.start;
  }

  /** A record was replaced or deleted: it stays in the array, skipped, until enough pile up. */
  dropped(): void {
    this.stale++;
  }

  /** The records in (start, id) order; may still hold replaced ones (check with isCurrent). */
  settle(): readonly TraceIndex[] {
    if (this.tail.length > 0) {
      const tail = this.tail.sort(compareTraces);
      this.tail = [];
      const s = this.sorted;
      // Only the part of the array newer than the oldest new record moves: concurrent requests end
      // (and arrive) slightly out of start order, so that part is short.
      const from = lowerBound(s, tail[0].start, tail[0].id);
      const merged = merge(s.slice(from), tail);
      s.length = from;
      for (const t of merged) s.push(t);
    }
    if (this.stale > 1024 && this.stale * 4 > this.sorted.length) {
      this.sorted = this.sorted.filter(this.isCurrent);
      this.stale = 0;
    }
    return this.sorted;
  }

  /** Number of positions (before settling out the stale ones). */
  get length(): number {
    return this.sorted.length + this.tail.length;
  }
}

function merge(a: readonly TraceIndex[], b: readonly TraceIndex[]): TraceIndex[] {
  const out = new Array<TraceIndex>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareTraces(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** First position whose record sorts at or after `(start, id)` (id '' = before every id of that start). */
export function lowerBound(arr: readonly TraceIndex[], start: number, id = ''): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareTraces(arr[mid], { start, id }) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
