/**
 * Trace ids packed into four u32 words (the epoch's 8 hex digits, then the 24 random ones as three
 * words), so a million ids cost 16 MB of one typed array instead of a string and a Map entry each
 * (~100 B per trace, measured in BENCHMARKS.md). Ingest only accepts `1-<8 lowercase hex>-<24 lowercase
 * hex>` (TRACE_ID_RE), so packing is exact and comparing the words in order is comparing the strings.
 */
import { TRACE_ID_RE } from './segments.js';

export const ID_WORDS = 4;

/** Writes the (validated) id's words at `into[at * 4 …]`. */
export function packId(id: string, into: Uint32Array, at: number): void {
  const o = at * ID_WORDS;
  into[o] = parseInt(id.slice(2, 10), 16);
  into[o + 1] = parseInt(id.slice(11, 19), 16);
  into[o + 2] = parseInt(id.slice(19, 27), 16);
  into[o + 3] = parseInt(id.slice(27, 35), 16);
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

export function unpackId(ids: Uint32Array, at: number): string {
  const o = at * ID_WORDS;
  return `1-${hex8(ids[o])}-${hex8(ids[o + 1])}${hex8(ids[o + 2])}${hex8(ids[o + 3])}`;
}

/** Compares two packed ids as their strings compare. */
export function compareIds(ids: Uint32Array, a: number, b: number): number {
  const x = a * ID_WORDS;
  const y = b * ID_WORDS;
  for (let k = 0; k < ID_WORDS; k++) if (ids[x + k] !== ids[y + k]) return ids[x + k] < ids[y + k] ? -1 : 1;
  return 0;
}

/** True when `s` can be a stored trace id (anything else is simply not found). */
export const isTraceId = (s: string): boolean => TRACE_ID_RE.test(s);

/** Bucket of a packed id in a power-of-two table: the random words already spread well; mixing guards odd ids. */
export function idHash(ids: Uint32Array, at: number, mask: number): number {
  const o = at * ID_WORDS;
  let h = Math.imul(ids[o + 3] ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ ids[o + 2] ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ ids[o + 1] ^ (h >>> 16), 0x27d4eb2d);
  h ^= ids[o] ^ (h >>> 15);
  return (h >>> 0) & mask;
}
