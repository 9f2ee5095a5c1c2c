/** Plain-text and Markdown rendering of benchmark tables (no colours: output is pasted into BENCHMARKS.md). */
import type { BenchResult, Cell, Table } from './result.js';

function cell(c: Cell): string {
  if (c === null) return '—';
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : c.toFixed(c < 10 ? 2 : 1);
  return c;
}

export function renderText(t: Table): string {
  const rows = [t.columns, ...t.rows.map((r) => r.map(cell))];
  const widths = t.columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [t.title, line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function renderMarkdown(t: Table): string {
  const head = `| ${t.columns.join(' | ')} |`;
  const sep = `|${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`;
  return [`**${t.title}**`, '', head, sep, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function targetsTable(r: BenchResult): Table {
  return {
    title: 'Targets',
    columns: ['what', 'target', 'measured', 'met'],
    rows: r.targets.map((t) => [t.what, t.target, t.measured === null ? null : `${cell(t.measured)} ${t.unit}`.trim(), t.met === null ? 'not measured' : t.met ? 'yes' : 'NO']),
  };
}

export function resultMarkdown(r: BenchResult): string {
  const m = r.machine;
  return [
    `### ${r.title}`,
    '',
    `\`${r.command}\` — ${r.date}, ${r.durationS} s; ${m.cores} cores (${m.cpuModel}), ${m.memoryMb} MB, Node ${m.node}, load average at start ${m.loadAvgAtStart.join(' / ')}.`,
    '',
    ...r.tables.flatMap((t) => [renderMarkdown(t), '']),
    renderMarkdown(targetsTable(r)),
    '',
    ...r.notes.map((n) => `- ${n}`),
  ].join('\n');
}
