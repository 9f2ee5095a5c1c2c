import { describe, it, expect } from 'vitest';
import { Chalk } from 'chalk';
import { renderProgressBar, renderProgressLine, progressFraction } from '../../../src/cli/render/progress.js';
import { stripAnsi, visibleWidth } from '../../../src/cli/render/text.js';
import type { LoadSnapshot } from '../../../src/lab/load/types.js';

const snap = (over: Partial<LoadSnapshot> = {}): LoadSnapshot => ({
  mode: { kind: 'rate', rps: 50 }, elapsedMs: 15_000, sent: 750, completed: 745, inFlight: 5, byStatus: { '404': 180, '200': 565 },
  errors: 0, sampled: 62, currentRps: 50.2, recentLatencyMs: { p50: 118.4, p99: 240 }, target: { durationMs: 60_000 }, done: false, ...over,
});

describe('progress renderers', () => {
  it('draws a bar sized to the terminal with the fraction done', () => {
    const line = renderProgressBar(snap(), { chalk: new Chalk({ level: 1 }), width: 120 });
    expect(visibleWidth(line)).toBe(119);
    expect(stripAnsi(line)).toMatchSnapshot();
    expect(stripAnsi(line)).toContain(' 25% 750 sent · 50 rps · p50 118 ms · 200:565 404:180 · traced 62 · 45s left');
    expect(visibleWidth(renderProgressBar(snap({ errors: 3 }), { chalk: new Chalk({ level: 1 }), width: 50 }))).toBe(49);
  });

  it('colours transport errors red only with colour on', () => {
    expect(renderProgressBar(snap({ errors: 3 }), { chalk: new Chalk({ level: 1 }), width: 140 })).toContain('\u001b[31m err 3');
    expect(renderProgressBar(snap({ errors: 3 }), { chalk: new Chalk({ level: 0 }), width: 140 })).not.toContain('\u001b[');
  });

  it('uses the closer bound and reports done', () => {
    expect(progressFraction(snap({ target: { requests: 1000, durationMs: 60_000 } }))).toBe(0.75);
    expect(progressFraction(snap({ target: {} }))).toBeNull();
    expect(progressFraction(snap({ done: true }))).toBe(1);
  });

  it('prints a plain log line for non-TTY output', () => {
    expect(renderProgressLine(snap({ errors: 2 }))).toBe(
      'load 25% t=15.0s sent=750 done=745 in_flight=5 rps=50.2 p50=118.4ms p99=240.0ms status=200:565 404:180 errors=2 traced=62',
    );
  });
});
