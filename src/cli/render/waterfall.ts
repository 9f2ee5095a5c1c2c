/**
 * One trace as a console-style timeline: an indented tree of every segment and subsegment with a bar
 * on one time axis spanning the whole trace, so offsets line up across rows.
 */
import type { Trace } from '@aws-sdk/client-xray';
import { buildSpanTree, spanStatus, walkSpans, type Span } from '../../lab/analysis/span-tree.js';
import { colorStatus, formatAnnotationValue, formatMs, padEnd, padStart, truncate, visibleWidth, type RenderOptions, type Status } from './text.js';

export interface WaterfallOptions extends RenderOptions {
  /** Show annotation lines under rows (default true). */
  annotations?: boolean;
}

const INDENT = '  ';
const STATUS_W = 8;
const TIMING_W = 20; // "+1234.5 ms  1234.5 ms"

/** [first, last) bar cells for an interval on the axis; always at least one cell. */
export function barCells(start: number, end: number, axisStart: number, axisEnd: number, cells: number): [number, number] {
  const span = axisEnd - axisStart;
  if (span <= 0 || cells <= 0) return [0, Math.min(1, cells)];
  const from = Math.min(cells - 1, Math.max(0, Math.floor(((start - axisStart) / span) * cells)));
  const to = Math.min(cells, Math.max(from + 1, Math.round(((end - axisStart) / span) * cells)));
  return [from, to];
}

/** Flags first; an unflagged span still shows a failing HTTP status in its colour. */
function displayStatus(s: Span): Status {
  const st = spanStatus(s);
  if (st !== 'ok' || s.httpStatus === undefined) return st;
  if (s.httpStatus === 429) return 'throttle';
  if (s.httpStatus >= 500) return 'fault';
  return s.httpStatus >= 400 ? 'error' : 'ok';
}

function statusText(s: Span, st: Status): string {
  if (s.httpStatus !== undefined) return String(s.httpStatus);
  return st === 'ok' ? 'OK' : st;
}

/** The instrumentation that recorded a subsegment is shown, so traces of the X-Ray SDK and OpenTelemetry compare side by side. */
function originText(s: Span): string {
  const by = s.recordedBy === 'OpenTelemetry' || s.recordedBy === 'X-Ray SDK' ? `via ${s.recordedBy}` : '';
  const parts = [s.origin, s.inferred ? 'inferred' : '', by].filter(Boolean);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

export function renderWaterfall(trace: Trace, opts: WaterfallOptions): string {
  const { chalk } = opts;
  const tree = buildSpanTree(trace);
  const id = tree.traceId || trace.Id || '(unknown trace)';
  if (tree.byId.size === 0) return `Trace ${id} has no segments yet: X-Ray may still be assembling it; try again in a few seconds.`;

  const rows: { span: Span; depth: number }[] = [];
  walkSpans(tree.roots, (span, depth) => rows.push({ span, depth }));
  const totalMs = (tree.end - tree.start) * 1000;
  const width = Math.max(40, opts.width);
  const naturalLabel = Math.max(...rows.map((r) => INDENT.length * r.depth + visibleWidth(r.span.displayName) + visibleWidth(originText(r.span))));
  const labelW = Math.min(naturalLabel, Math.max(16, Math.floor(width * 0.4)));
  const barW = Math.max(10, width - labelW - STATUS_W - TIMING_W - 3);

  const lines: string[] = [];
  const flags = [tree.partial ? chalk.cyan('partial') : '', trace.LimitExceeded ? chalk.yellow('size limit exceeded') : ''].filter(Boolean);
  lines.push(chalk.bold(`Trace ${id}`) + chalk.dim(`  ${formatMs(totalMs)} · ${rows.length} segments and subsegments`) + (flags.length ? `  ${flags.join(' ')}` : ''));
  const axisLeft = '0 ms';
  const axisRight = formatMs(totalMs);
  const axis = axisLeft + ' '.repeat(Math.max(1, barW - axisLeft.length - axisRight.length)) + axisRight;
  lines.push(chalk.dim(`${' '.repeat(labelW)} ${padEnd('status', STATUS_W)} ${axis} ${padStart('start', 9)}  ${padStart('duration', 9)}`));

  for (const { span, depth } of rows) {
    const indent = INDENT.repeat(depth);
    const name = truncate(span.displayName, Math.max(1, labelW - indent.length));
    const origin = truncate(originText(span), Math.max(0, labelW - indent.length - visibleWidth(name)));
    const label = padEnd(indent + (span.kind === 'segment' ? chalk.bold(name) : name) + chalk.dim(origin), labelW);
    const st = displayStatus(span);
    const [from, to] = barCells(span.start, span.end, tree.start, tree.end, barW);
    const bar = chalk.dim('·'.repeat(from)) + colorStatus(chalk, st, '█'.repeat(to - from)) + chalk.dim('·'.repeat(barW - to));
    const offset = `+${formatMs((span.start - tree.start) * 1000)}`;
    const dur = span.inProgress ? 'running' : formatMs((span.end - span.start) * 1000);
    lines.push(`${label} ${colorStatus(chalk, st, padEnd(statusText(span, st), STATUS_W))} ${bar} ${padStart(offset, 9)}  ${padStart(dur, 9)}`);

    const detailIndent = indent + INDENT;
    const annotations = Object.entries(span.annotations);
    if (opts.annotations !== false && annotations.length > 0) {
      const text = annotations.map(([k, v]) => `${k}=${formatAnnotationValue(v)}`).join(' ');
      lines.push(chalk.dim(truncate(`${detailIndent}↳ ${text}`, width)));
    }
    for (const ex of span.exceptions) {
      const text = `${detailIndent}✗ ${ex.type}${ex.message ? `: ${ex.message}` : ''}${ex.remote ? ' (remote)' : ''}`;
      lines.push(colorStatus(chalk, st === 'ok' ? 'fault' : st, truncate(text, width)));
    }
    if (span.causeRef) lines.push(colorStatus(chalk, st === 'ok' ? 'fault' : st, truncate(`${detailIndent}✗ cause: exception ${span.causeRef}`, width)));
  }
  return lines.join('\n');
}
