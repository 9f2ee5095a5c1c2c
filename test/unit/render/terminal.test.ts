import { describe, expect, it } from 'vitest';
import { colorLevel, isLiveTerminal } from '../../../src/cli/terminal.js';
import { padEnd, truncate, visibleWidth } from '../../../src/cli/render/text.js';
import { wrap } from '../../../src/cli/guide/screen.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colorLevel: one decision for every command', () => {
  it('colours a terminal, not a pipe', () => {
    expect(colorLevel(tty, {})).toBe(1);
    expect(colorLevel(pipe, {})).toBe(0);
  });

  it('honours NO_COLOR (non-empty) and FORCE_COLOR, FORCE_COLOR winning', () => {
    expect(colorLevel(tty, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevel(tty, { NO_COLOR: '' })).toBe(1);
    expect(colorLevel(pipe, { FORCE_COLOR: '1' })).toBe(1);
    expect(colorLevel(pipe, { FORCE_COLOR: '3' })).toBe(3);
    expect(colorLevel(tty, { FORCE_COLOR: '0' })).toBe(0);
    expect(colorLevel(tty, { FORCE_COLOR: 'false' })).toBe(0);
    expect(colorLevel(pipe, { FORCE_COLOR: '', NO_COLOR: '1' })).toBe(1);
  });

  it('leaves CI logs and dumb terminals plain, and does not redraw there', () => {
    expect(colorLevel(tty, { CI: 'true' })).toBe(0);
    expect(colorLevel(tty, { TERM: 'dumb' })).toBe(0);
    expect(isLiveTerminal(tty, { CI: 'true' })).toBe(false);
    expect(isLiveTerminal(tty, {})).toBe(true);
    expect(isLiveTerminal(pipe, {})).toBe(false);
  });
});

describe('column widths of user text', () => {
  it('counts CJK and emoji as two columns and ignores ANSI codes', () => {
    expect(visibleWidth('表示')).toBe(4);
    expect(visibleWidth('ok👍')).toBe(4);
    expect(visibleWidth('\u001b[31mred\u001b[39m')).toBe(3);
  });

  it('pads and truncates by columns, never splitting a wide character', () => {
    expect(visibleWidth(padEnd('表示', 6))).toBe(6);
    expect(truncate('東京都千代田区', 6)).toBe('東京…');
    expect(visibleWidth(truncate('東京都千代田区', 6))).toBeLessThanOrEqual(6);
    expect(truncate('short', 10)).toBe('short');
  });

  it('wraps by columns, keeping long words whole', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('東京 大阪 京都', 11, '  ')).toEqual(['  東京 大阪', '  京都']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
    expect(wrap('   ', 10)).toEqual([]);
  });
});
