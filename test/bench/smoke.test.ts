/**
 * Every benchmark runs once in its smoke size, so the scripts cannot rot. Only the shape of the result
 * is asserted: timings are for `npm run bench`, never for tests.
 */
import { describe, expect, it } from 'vitest';
import { BENCHMARKS } from '../../bench/registry.js';
import { runBenchmark } from '../../bench/run.js';
import type { BenchResult } from '../../bench/run.js';

function expectWellFormed(r: BenchResult, name: string): void {
  expect(r.name).toBe(name);
  expect(r.smoke).toBe(true);
  expect(r.machine.cores).toBeGreaterThan(0);
  expect(r.machine.node).toMatch(/^v\d+/);
  expect(Number.isNaN(Date.parse(r.date))).toBe(false);
  expect(r.tables.length + r.notes.length).toBeGreaterThan(0);
  for (const t of r.tables) {
    expect(t.rows.length).toBeGreaterThan(0);
    for (const row of t.rows) expect(row).toHaveLength(t.columns.length);
  }
  for (const t of r.targets) {
    expect([true, false, null]).toContain(t.met);
    if (t.measured !== null) expect(Number.isFinite(t.measured)).toBe(true);
  }
  // The JSON file written by `npm run bench` is this object: it must survive a round trip.
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('benchmarks in smoke size', () => {
  for (const name of Object.keys(BENCHMARKS)) {
    it(`${name} completes and produces a well-formed result`, async () => {
      const result = await runBenchmark(name, true, () => {});
      expectWellFormed(result, name);
    }, 300_000);
  }
});
