/** The bottleneck report as text: the headline answer first, then where the time goes, nodes, and failures. */
import type { BottleneckReport, ProblemKind, TimeEntry } from '../../lab/analysis/bottleneck.js';
import { colorStatus, formatMs, padEnd, padStart, truncate, visibleWidth, type RenderOptions } from './text.js';

export interface AnalysisRenderOptions extends RenderOptions {
  /** Rows in the time breakdown (default 8). */
  top?: number;
}

/** Name first so truncation never hides it; the owning node and path follow. */
function where(e: TimeEntry): string {
  if (e.kind === 'segment') return e.key;
  const context = e.key.slice(0, Math.max(0, e.key.length - e.name.length - ' › '.length));
  return `${e.name}  in ${context}`;
}

export function renderAnalysis(report: BottleneckReport, opts: AnalysisRenderOptions): string {
  const { chalk, width } = opts;
  if (report.traceCount === 0) return 'No traces to analyse: send some requests first (xray-lab load), then retry in a few seconds.';
  const lines: string[] = [];
  const rt = report.responseTimeMs;
  const d = report.dominant;
  if (d) {
    lines.push(
      `${chalk.bold('Bottleneck:')} ${chalk.bold.red(d.name)} in ${d.node}${d.nodeType ? ` (${d.nodeType})` : ''}: ` +
        `${chalk.bold(`${d.sharePct.toFixed(1)}%`)} of response time (${formatMs(d.meanSelfMs)} self time per call)`,
    );
  } else lines.push(chalk.bold('Bottleneck: none found (no timed spans)'));
  for (const note of report.platform.notes) lines.push(chalk.yellow(`  ${note}`));
  lines.push(
    chalk.dim(
      `Response time over ${rt.count} trace${rt.count === 1 ? '' : 's'}: p50 ${formatMs(rt.p50)} · p90 ${formatMs(rt.p90)} · p99 ${formatMs(rt.p99)} · max ${formatMs(rt.max)}` +
        (report.partialTraces ? ` · ${report.partialTraces} partial` : ''),
    ),
  );

  lines.push('', chalk.bold('Where the time goes') + chalk.dim('  (self time: own duration minus time spent in children)'));
  const barW = Math.max(5, Math.min(20, width - 60));
  const top = report.entries.slice(0, opts.top ?? 8);
  for (const e of top) {
    const cells = Math.round((Math.min(100, e.sharePct) / 100) * barW);
    const bar = (e === d ? chalk.red : chalk.cyan)('█'.repeat(cells)) + ' '.repeat(barW - cells);
    const head = `  ${padStart(`${e.sharePct.toFixed(1)}%`, 6)} ${bar} ${padStart(formatMs(e.meanSelfMs), 9)} avg  `;
    lines.push(head + truncate(where(e), Math.max(10, width - visibleWidth(head))));
  }
  if (report.entries.length > top.length) lines.push(chalk.dim(`  … ${report.entries.length - top.length} more`));

  lines.push('', chalk.bold('Nodes'));
  const nameW = Math.min(40, Math.max(4, ...report.nodes.map((n) => visibleWidth(`${n.name} [${n.type}]`))));
  lines.push(chalk.dim(`  ${padEnd('node', nameW)}  ${padStart('count', 5)}  ${padStart('p50', 9)}  ${padStart('p90', 9)}  ${padStart('p99', 9)}  ${padStart('max', 9)}  4xx/5xx/429`));
  for (const n of report.nodes) {
    const status = n.faults ? 'fault' : n.throttles ? 'throttle' : n.errors ? 'error' : 'ok';
    lines.push(
      `  ${colorStatus(chalk, status, padEnd(truncate(`${n.name} [${n.type}]`, nameW), nameW))}  ${padStart(String(n.count), 5)}  ` +
        [n.p50, n.p90, n.p99, n.max].map((v) => padStart(formatMs(v), 9)).join('  ') +
        `  ${n.errors}/${n.faults}/${n.throttles}`,
    );
  }

  lines.push('', chalk.bold('Errors and faults'));
  if (report.rootCauses.length === 0) lines.push(chalk.green('  none: every span finished without error, fault or throttle'));
  for (const c of report.rootCauses) {
    const label: Record<ProblemKind, string> = { fault: 'fault', error: 'error', throttle: 'throttle' };
    const at = [`${c.node}${c.nodeType ? ` (${c.nodeType})` : ''}`, ...c.path].join(' › ');
    const statuses = c.httpStatuses.length ? ` HTTP ${c.httpStatuses.join('/')}` : '';
    lines.push(truncate(`  ${colorStatus(chalk, c.kind, padEnd(label[c.kind], 8))} ×${c.count} in ${c.traces} trace${c.traces === 1 ? '' : 's'}  ${at}${statuses}`, width + 20));
    for (const x of c.exceptions) lines.push(colorStatus(chalk, c.kind, truncate(`           ${x.type}${x.message ? `: ${x.message}` : ''} (×${x.count})`, width)));
  }
  return lines.join('\n');
}
