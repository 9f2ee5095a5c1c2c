import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { durationMs } from '../../../src/lab/duration.js';
import { parseDurationSeconds } from '../../../src/cli/commands/load-options.js';
import { parseSince } from '../../../src/cli/commands/readonly.js';
import { parseDuration, parseWait } from '../../../src/lab/traces/window.js';

const NOW = Date.UTC(2024, 5, 10, 12, 0, 0);

describe('durationMs: the one grammar', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['1.5m', 90_000], ['2h', 7_200_000], ['1.5h', 5_400_000], ['1d', 86_400_000], [' 10m ', 600_000],
  ])('reads %s', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['', 'm', '10x', '-5m', '1h30m', '1e3s', '.5s', '10 m', 'soon'])('rejects "%s"', (text) => {
    expect(durationMs(text, { bareUnit: 's', allowZero: true })).toBeUndefined();
  });

  it('takes a bare number only where the caller names its unit', () => {
    expect(durationMs('10')).toBeUndefined();
    expect(durationMs('10', { bareUnit: 's' })).toBe(10_000);
  });

  it('takes zero only where zero means "none"', () => {
    expect(durationMs('0s')).toBeUndefined();
    expect(durationMs('0')).toBeUndefined();
    expect(durationMs('0', { allowZero: true })).toBe(0);
    expect(durationMs('0m', { allowZero: true })).toBe(0);
  });
});

describe('every duration flag reads the same grammar', () => {
  it('gives the same span to traces --since, logs --since, --wait and load --duration', () => {
    for (const text of ['90s', '1.5h', '500ms', '2d']) {
      const ms = durationMs(text)!;
      expect(parseDuration(text, '--since')).toBe(ms);
      expect(parseSince(text, NOW)).toBe(NOW - ms);
      expect(parseWait(text)).toBe(ms);
      expect(parseDurationSeconds(text)).toBe(ms / 1000);
    }
  });

  it('accepts logs --since 1.5h, which used to fail while traces --since 1.5h worked', () => {
    expect(parseSince('1.5h', NOW)).toBe(NOW - 5_400_000);
    expect(parseSince('2024-06-10T11:00:00Z', NOW)).toBe(NOW - 3_600_000);
    expect(parseSince('yesterday', NOW)).toBeNaN();
  });

  it('keeps each caller\'s own error', () => {
    expect(() => parseDurationSeconds('0')).toThrow(new InvalidArgumentError('the duration must be above 0.'));
    expect(() => parseDurationSeconds('soon')).toThrow(/give a duration above 0/);
    expect(() => parseWait('soon')).toThrow(/--wait takes a duration/);
  });
});
