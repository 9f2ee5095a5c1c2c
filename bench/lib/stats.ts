/** Small statistics over recorded samples: medians, nearest-rank percentiles, ratios. */

export function sorted(samples: readonly number[]): number[] {
  return [...samples].sort((a, b) => a - b);
}

/** Nearest rank (always a real sample, no interpolation); 0 for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const s = sorted(samples);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length, Math.max(1, rank)) - 1];
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return 0;
  const s = sorted(samples);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Summary {
  n: number;
  median: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  const s = sorted(samples);
  return { n: s.length, median: median(s), p99: percentile(s, 99), min: s[0] ?? 0, max: s[s.length - 1] ?? 0 };
}

/** a / b, or null when b is 0 (a ratio against nothing is not a figure). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** Rounds for display and JSON: enough digits to compare, no float noise. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  // `|| 0` turns -0 into 0: JSON has no -0, so results must not carry one.
  return Math.round(x * f) / f || 0;
}

/** Runs `a` and `b` alternately `rounds` times so drift on a shared machine hits both equally. */
/** Runs each of `fns` once a round, the order rotated every round (alternate() for more than two sides). */
export async function rotate<T>(rounds: number, fns: ((i: number) => Promise<T>)[]): Promise<T[][]> {
  const out = fns.map(() => [] as T[]);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < fns.length; k++) {
      const j = (i + k) % fns.length;
      out[j]!.push(await fns[j]!(i));
    }
  }
  return out;
}

export async function alternate<A, B>(rounds: number, a: (i: number) => Promise<A>, b: (i: number) => Promise<B>): Promise<{ a: A[]; b: B[] }> {
  const out = { a: [] as A[], b: [] as B[] };
  for (let i = 0; i < rounds; i++) {
    // Swap who goes first every round, so neither side always runs on a cooler or warmer machine.
    if (i % 2 === 0) {
      out.a.push(await a(i));
      out.b.push(await b(i));
    } else {
      out.b.push(await b(i));
      out.a.push(await a(i));
    }
  }
  return out;
}
