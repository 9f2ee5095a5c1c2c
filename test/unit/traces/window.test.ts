import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lab/errors.js';
import { checkTraceId, parseDuration, parseLimit, parseTime, parseWait, resolveWindow } from '../../../src/lab/traces/window.js';

const NOW = Date.UTC(2024, 5, 10, 12, 0, 0);

describe('trace query inputs', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1.5h', 5_400_000],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration(text, '--since')).toBe(ms);
  });

  it.each(['10', '10x', '-5m', '0m', 'm', '', '1h30m'])('rejects the duration "%s" naming the flag', (text) => {
    expect(() => parseDuration(text, '--since')).toThrow(/--since takes a duration/);
  });

  it('lets --wait be zero but not negative or unitless nonsense', () => {
    expect(parseWait('0')).toBe(0);
    expect(parseWait('0s')).toBe(0);
    expect(parseWait('5s')).toBe(5_000);
    expect(() => parseWait('soon')).toThrow(UserError);
  });

  it('makes a --since window end now', () => {
    const w = resolveWindow({ since: '10m' }, NOW, '1h');

    expect(w.end.getTime()).toBe(NOW);
    expect(w.start.getTime()).toBe(NOW - 600_000);
    expect(resolveWindow({}, NOW, '1h').start.getTime()).toBe(NOW - 3_600_000);
  });

  it('takes --start/--end as ISO-8601 or epoch seconds, --end defaulting to now', () => {
    const w = resolveWindow({ start: '2024-06-10T11:00:00Z', end: '1718020800' }, NOW, '1h');
    expect(w.start.toISOString()).toBe('2024-06-10T11:00:00.000Z');
    expect(w.end.toISOString()).toBe('2024-06-10T12:00:00.000Z');
    expect(resolveWindow({ start: '1718017200' }, NOW, '1h').end.getTime()).toBe(NOW);
  });

  it.each([
    [{ since: '1h', start: '1718017200' }, /either --since or --start/],
    [{ end: '1718017200' }, /--end needs --start/],
    [{ start: '1718020800', end: '1718017200' }, /later than --start/],
    [{ start: 'yesterday' }, /--start takes an ISO-8601 time/],
    [{ since: '31d' }, /at most 30d/],
  ])('rejects the window %j', (flags, message) => {
    expect(() => resolveWindow(flags, NOW, '1h')).toThrow(message);
  });

  it('rejects an impossible date', () => {
    expect(() => parseTime('2024-13-45T99:00:00Z', '--start')).toThrow(UserError);
  });

  it('reads --limit as a whole number from 1', () => {
    expect(parseLimit(undefined, 50)).toBe(50);
    expect(parseLimit('7', 50)).toBe(7);
    for (const bad of ['0', '-1', '2.5', 'ten', '10001']) expect(() => parseLimit(bad, 50), bad).toThrow(/--limit takes a whole number/);
  });

  it('accepts X-Ray trace ids and rejects anything else', () => {
    expect(checkTraceId('1-5f84c7a1-0123456789abcdef01234567')).toBe('1-5f84c7a1-0123456789abcdef01234567');
    for (const bad of ['abc', '1-5f84c7a1-0123456789abcdef0123456', '1-5F84C7A1-0123456789abcdef01234567', 'Root=1-5f84c7a1-0123456789abcdef01234567']) {
      expect(() => checkTraceId(bad), bad).toThrow(/is not an X-Ray trace id/);
    }
  });
});
