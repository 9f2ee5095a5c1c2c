/** The response-time histogram's arithmetic: equal-width bars from 0 to the slowest trace, and range selection. */

export const BINS = 20;

export interface Bins {
  /** Upper bound of the last bar, seconds. */
  max: number;
  width: number;
  counts: number[];
}

export function binsOf(values: number[]): Bins {
  const max = values.length ? Math.max(...values) : 0;
  const width = max > 0 ? max / BINS : 1;
  const counts = new Array<number>(BINS).fill(0);
  for (const v of values) counts[Math.min(BINS - 1, Math.floor(v / width))]!++;
  return { max, width, counts };
}

export interface Range {
  from: number;
  to: number;
}

/** Seconds covered by bars from..to (inclusive); the last bar also takes the maximum itself. */
export function rangeSeconds(b: Bins, r: Range): [number, number] {
  return [Math.min(r.from, r.to) * b.width, (Math.max(r.from, r.to) + 1) * b.width];
}

export function inRange(b: Bins, r: Range, v: number): boolean {
  const [lo, hi] = rangeSeconds(b, r);
  const last = Math.max(r.from, r.to) === BINS - 1;
  return v >= lo && (v < hi || (last && v <= hi));
}
