/** Shared terminal text helpers: ANSI-aware width, padding, truncation, number formats, status colours. */
import type { ChalkInstance } from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import stringWidth from 'string-width';

export interface RenderOptions {
  /** `new Chalk({ level })`; level 0 renders plain text (NO_COLOR / non-TTY is the caller's call). */
  chalk: ChalkInstance;
  /** Terminal columns. */
  width: number;
}

export type Status = 'ok' | 'error' | 'fault' | 'throttle' | 'pending';

export function stripAnsi(s: string): string {
  return stripVTControlCharacters(s);
}

/**
 * Terminal columns the text takes, ANSI codes ignored. string-width knows that CJK and most emoji take
 * two columns and combining marks none: annotations and names are user data, so tables must not assume one.
 */
export function visibleWidth(s: string): number {
  return stringWidth(s);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cut plain text to `w` columns, marking the cut with an ellipsis; never splits a character (or a wide one). */
export function truncate(s: string, w: number): string {
  if (w <= 0) return '';
  if (stringWidth(s) <= w) return s;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const cw = stringWidth(segment);
    if (used + cw > w - 1) break;
    out += segment;
    used += cw;
  }
  return `${out}…`;
}

/** Pad (possibly coloured) text to `w` columns. */
export function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - visibleWidth(s)));
}

export function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - visibleWidth(s))) + s;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatPct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function colorStatus(chalk: ChalkInstance, status: Status, text: string): string {
  switch (status) {
    case 'fault':
      return chalk.red(text);
    case 'error':
      return chalk.yellow(text);
    case 'throttle':
      return chalk.magenta(text);
    case 'pending':
      return chalk.cyan(text);
    default:
      return chalk.green(text);
  }
}

export function formatAnnotationValue(v: string | number | boolean): string {
  return typeof v === 'string' && /[\s,=]/.test(v) ? JSON.stringify(v) : String(v);
}
