/**
 * GetTraceSummaries as a table fitted to the terminal: flexible columns (HTTP, annotations) shrink
 * first, then whole columns are dropped by priority, so a narrow terminal still gets whole trace ids.
 */
import type { TraceSummary } from '@aws-sdk/client-xray';
import { colorStatus, formatAnnotationValue, formatMs, padEnd, padStart, truncate, visibleWidth, type RenderOptions, type Status } from './text.js';

export interface TraceTableOptions extends RenderOptions {
  /** IANA zone for the start column; default the process's local zone. */
  timeZone?: string;
}

interface Column {
  header: string;
  cells: string[];
  /** Cells get coloured after fitting (colour must not count toward width). */
  color?: (text: string, row: number) => string;
  align?: 'right';
  /** Flexible columns (HTTP, annotations) shrink down to this; others keep their natural width. */
  min: number;
  /** Lower is dropped first when even minimum widths do not fit. */
  keep: number;
  shrink?: (text: string, width: number, row: number) => string;
}

function summaryStatus(s: TraceSummary): Status {
  if (s.HasFault) return 'fault';
  if (s.HasThrottle) return 'throttle';
  if (s.HasError) return 'error';
  return s.IsPartial ? 'pending' : 'ok';
}

function annotationText(s: TraceSummary): string {
  return Object.entries(s.Annotations ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, values]) => {
      const vs = values
        .map((v) => v.AnnotationValue?.StringValue ?? v.AnnotationValue?.NumberValue ?? v.AnnotationValue?.BooleanValue)
        .filter((v): v is string | number | boolean => v !== undefined)
        .map(formatAnnotationValue);
      return `${k}=${vs.join('|')}`;
    })
    .join(' ');
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function httpText(s: TraceSummary, pathOnly: boolean): string {
  const url = s.Http?.HttpURL ?? '';
  return [s.Http?.HttpMethod ?? '', s.Http?.HttpStatus?.toString() ?? '', pathOnly ? urlPath(url) : url].filter(Boolean).join(' ');
}

function formatStart(d: Date | undefined, withDate: boolean, timeZone?: string): string {
  if (!d) return '–';
  const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hourCycle: 'h23', timeZone }).format(d);
  if (!withDate) return time;
  const date = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(d);
  return `${date} ${time}`;
}

const HTTP = 4;
const ANN = 6;

export function renderTraceTable(summaries: TraceSummary[], opts: TraceTableOptions): string {
  const { chalk } = opts;
  if (summaries.length === 0) {
    return 'No traces in this time range. Send some requests (xray-lab load), wait a few seconds for X-Ray to index them, or widen the window.';
  }
  const days = new Set(summaries.map((s) => (s.StartTime ? new Intl.DateTimeFormat('en-CA', { timeZone: opts.timeZone }).format(s.StartTime) : '')));
  const statuses = summaries.map(summaryStatus);
  const httpCells = summaries.map((s) => httpText(s, false));
  const pathCells = summaries.map((s) => httpText(s, true));
  const flagCells = summaries.map((s) => [s.HasFault && 'fault', s.HasError && 'error', s.HasThrottle && 'throttle', s.IsPartial && 'partial'].filter(Boolean).join(',') || 'ok');

  const columns: Column[] = [
    { header: 'TRACE ID', cells: summaries.map((s) => s.Id ?? ''), min: 35, keep: 9 },
    { header: 'START', cells: summaries.map((s) => formatStart(s.StartTime, days.size > 1, opts.timeZone)), min: 12, keep: 6 },
    { header: 'DURATION', cells: summaries.map((s) => (s.Duration === undefined ? '–' : formatMs(s.Duration * 1000))), min: 8, keep: 7, align: 'right' },
    { header: 'RESPONSE', cells: summaries.map((s) => (s.ResponseTime === undefined ? '–' : formatMs(s.ResponseTime * 1000))), min: 8, keep: 3, align: 'right' },
    { header: 'HTTP', cells: httpCells, min: 16, keep: 8, shrink: (t, w, r) => truncate(visibleWidth(t) <= w ? t : pathCells[r], w), color: (t, i) => colorStatus(chalk, statuses[i], t) },
    { header: 'FLAGS', cells: flagCells, min: 5, keep: 5, color: (t, i) => colorStatus(chalk, statuses[i], t) },
    { header: 'ANNOTATIONS', cells: summaries.map(annotationText), min: 12, keep: 1 },
  ];

  const natural = columns.map((c) => Math.max(...[c.header, ...c.cells].map((t) => visibleWidth(t))));
  const pathOnly = Math.max(4, ...pathCells.map((t) => visibleWidth(t)));
  let visible = columns.map((_, i) => i);
  let widths = fit(visible);
  while (!widths && visible.length > 1) {
    const drop = visible.reduce((lo, i) => (columns[i].keep < columns[lo].keep ? i : lo), visible[0]);
    visible = visible.filter((i) => i !== drop);
    widths = fit(visible);
  }
  widths ??= natural.map((n) => Math.min(n, opts.width));

  /** Widths for these columns, or null when even the flexible minimums do not fit. */
  function fit(cols: number[]): number[] | null {
    const w = [...natural];
    const fixed = cols.filter((i) => i !== HTTP && i !== ANN).reduce((sum, i) => sum + natural[i], 0);
    let room = opts.width - fixed - 2 * (cols.length - 1);
    const hasHttp = cols.includes(HTTP);
    const hasAnn = cols.includes(ANN);
    const httpMin = hasHttp ? Math.min(natural[HTTP], columns[HTTP].min) : 0;
    const annMin = hasAnn ? Math.min(natural[ANN], columns[ANN].min) : 0;
    if (room < httpMin + annMin) return null;
    // HTTP gets its full URL if everything fits, else its path form; annotations take what is left.
    const httpWant = hasHttp ? (natural[HTTP] + (hasAnn ? natural[ANN] : 0) <= room ? natural[HTTP] : Math.min(natural[HTTP], pathOnly)) : 0;
    w[HTTP] = hasHttp ? Math.max(httpMin, Math.min(httpWant, room - annMin)) : 0;
    room -= w[HTTP];
    w[ANN] = hasAnn ? Math.min(natural[ANN], room) : 0;
    return w;
  }

  const cell = (i: number, text: string, row: number | null): string => {
    const c = columns[i];
    const w = widths![i];
    const fitted = row !== null && c.shrink ? c.shrink(text, w, row) : truncate(text, w);
    const coloured = row !== null && c.color ? c.color(fitted, row) : fitted;
    return c.align === 'right' ? padStart(coloured, w) : padEnd(coloured, w);
  };
  const header = chalk.bold(visible.map((i) => cell(i, columns[i].header, null)).join('  ').trimEnd());
  const rows = summaries.map((_, r) => visible.map((i) => cell(i, columns[i].cells[r], r)).join('  ').trimEnd());
  const counts = { fault: 0, error: 0, throttle: 0 };
  for (const s of summaries) {
    if (s.HasFault) counts.fault++;
    if (s.HasError) counts.error++;
    if (s.HasThrottle) counts.throttle++;
  }
  const footer = chalk.dim(`${summaries.length} trace${summaries.length === 1 ? '' : 's'} · ${counts.error} with errors · ${counts.fault} with faults · ${counts.throttle} throttled`);
  return [header, ...rows, footer].join('\n');
}
