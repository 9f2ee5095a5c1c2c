/** Load progress as one line: a bar for TTYs (redrawn in place by the caller) and a plain line for logs. */
import type { LoadSnapshot } from '../../lab/load/types.js';
import { formatMs, padEnd, truncate, type RenderOptions } from './text.js';

/** 0..1 of the run done, from whichever bound is closer to being reached; null when unbounded. */
export function progressFraction(s: LoadSnapshot): number | null {
  if (s.done) return 1;
  const parts: number[] = [];
  if (s.target.requests) parts.push(s.sent / s.target.requests);
  if (s.target.durationMs) parts.push(s.elapsedMs / s.target.durationMs);
  return parts.length ? Math.min(1, Math.max(...parts)) : null;
}

function statusSummary(byStatus: Record<string, number>): string {
  return Object.keys(byStatus)
    .sort()
    .map((k) => `${k}:${byStatus[k]}`)
    .join(' ');
}

function remaining(s: LoadSnapshot): string {
  if (s.done) return 'done';
  if (s.target.durationMs) return `${Math.max(0, Math.ceil((s.target.durationMs - s.elapsedMs) / 1000))}s left`;
  return `${(s.elapsedMs / 1000).toFixed(0)}s`;
}

export function renderProgressBar(s: LoadSnapshot, opts: RenderOptions): string {
  const { chalk } = opts;
  const f = progressFraction(s);
  const barW = Math.max(10, Math.min(30, opts.width - 70));
  const filled = Math.round((f ?? 0) * barW);
  const bar = f === null ? '' : `${chalk.cyan('█'.repeat(filled))}${chalk.dim('░'.repeat(barW - filled))} ${String(Math.floor(f * 100)).padStart(3)}% `;
  const body = `${s.sent} sent · ${s.currentRps.toFixed(0)} rps · p50 ${formatMs(s.recentLatencyMs.p50)} · ${statusSummary(s.byStatus) || 'no responses yet'}${s.errors ? ` · err ${s.errors}` : ''} · traced ${s.sampled} · ${remaining(s)}`;
  // Cut the plain text first so a colour code is never split, then colour; pad so a redraw clears the old line.
  const room = Math.max(0, opts.width - 1 - (f === null ? 0 : barW + 6));
  const cut = truncate(body, room);
  const coloured = s.errors ? cut.replace(` err ${s.errors}`, chalk.red(` err ${s.errors}`)) : cut;
  return padEnd(bar + coloured, opts.width - 1);
}

/** Plain, append-only line for non-TTY output (CI logs). */
export function renderProgressLine(s: LoadSnapshot): string {
  const f = progressFraction(s);
  const pct = f === null ? '' : ` ${Math.floor(f * 100)}%`;
  return (
    `load${pct} t=${(s.elapsedMs / 1000).toFixed(1)}s sent=${s.sent} done=${s.completed} in_flight=${s.inFlight} ` +
    `rps=${s.currentRps.toFixed(1)} p50=${s.recentLatencyMs.p50.toFixed(1)}ms p99=${s.recentLatencyMs.p99.toFixed(1)}ms ` +
    `status=${statusSummary(s.byStatus) || '-'} errors=${s.errors} traced=${s.sampled}`
  );
}
