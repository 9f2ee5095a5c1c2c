/** The guide's text layout: wrapped paragraphs, headings, command blocks. Colours come from an injected chalk. */
import type { ChalkInstance } from 'chalk';
import wrapAnsi from 'wrap-ansi';
import { visibleWidth } from '../render/text.js';
import { renderCommand, type CommandTarget, type GuideCommand } from './commands.js';

export interface GuideUI {
  /** Lesson text goes to stdout: it is what the command produces (and a transcript when piped). */
  print(text: string): void;
  style: ChalkInstance;
  /** Terminal columns. */
  width: number;
  /** Questions can be asked (stdin, stdout and stderr are terminals). */
  interactive: boolean;
}

/** Greedy word wrap by terminal columns (wrap-ansi); words longer than the line stay whole rather than being cut. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const words = text.split(/\s+/).filter(Boolean).join(' ');
  if (!words) return [];
  return wrapAnsi(words, Math.max(1, width - visibleWidth(indent)), { hard: false, trim: true }).split('\n').map((l) => indent + l);
}

export function paragraphs(ui: GuideUI, texts: readonly string[], indent = '  '): void {
  for (const t of texts) ui.print(`${wrap(t, Math.min(ui.width, 100), indent).join('\n')}\n`);
}

/** A section title inside a step, after a blank line. */
export function section(ui: GuideUI, title: string, note = ''): void {
  ui.print(`\n  ${ui.style.bold(title)}${note ? ` ${ui.style.dim(note)}` : ''}\n`);
}

export function heading(ui: GuideUI, text: string): void {
  const rule = '─'.repeat(Math.max(0, Math.min(ui.width, 100) - text.length - 4));
  ui.print(`\n${ui.style.bold.cyan(`── ${text} ${rule}`)}\n`);
}

/** Prints commands as `$ aws …` lines (continuations indented), ready to paste. */
export function commandBlock(ui: GuideUI, cmds: readonly GuideCommand[], t: CommandTarget): void {
  for (const cmd of cmds) {
    const lines = renderCommand(cmd, t, Math.min(ui.width, 110) - 6);
    ui.print(`${lines.map((l, i) => (i === 0 ? `  ${ui.style.dim('$')} ${l}` : `  ${l}`)).join('\n')}\n`);
  }
}

