import { describe, expect, it } from 'vitest';
import { randomIds } from '../../../src/local/core/defaults.js';

describe('randomIds', () => {
  it('makes well-formed, distinct ids across many refills of its byte pool', () => {
    // 20,000 × 8 bytes spans ~40 pool refills.
    const hex = Array.from({ length: 20_000 }, () => randomIds.hex(16));
    const odd = Array.from({ length: 100 }, () => randomIds.hex(7));
    const alnum = Array.from({ length: 1_000 }, () => randomIds.alnum(10));

    expect(hex.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set(hex).size).toBe(hex.length);
    expect(odd.every((id) => /^[0-9a-f]{7}$/.test(id))).toBe(true);
    expect(alnum.every((id) => /^[a-z0-9]{10}$/.test(id))).toBe(true);
    expect(new Set(alnum).size).toBe(alnum.length);
  });

  it('serves a request larger than the pool', () => {
    expect(randomIds.hex(10_000)).toMatch(/^[0-9a-f]{10000}$/);
  });
});
