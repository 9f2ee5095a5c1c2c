/** Traces: time range, X-Ray filter box (the parser's error shown), response-time histogram and the table. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson, query, type Summary, type SummariesAnswer } from './api.js';
import { clock, ms, statusHealth, traceIdTime, worst } from './format.js';
import { Histogram } from './histogram.js';
import { binsOf, inRange, rangeSeconds, type Range } from './histogram-bins.js';
import { html } from './html.js';
import { usePoll } from './poll.js';
import { href } from './route.js';
import { SinceSelect, Status } from './widgets.js';

const responseTime = (s: Summary): number => s.ResponseTime ?? s.Duration ?? 0;

/** Rows drawn at first, then per "Show more": like the X-Ray console's pages, so a 1,000-trace answer stays quick to draw. */
export const PAGE_ROWS = 100;

function annotationText(s: Summary): string {
  const lines = Object.entries(s.Annotations ?? {}).map(([k, vs]) => {
    const values = (vs ?? []).map((v) => {
      const a: { StringValue?: string; NumberValue?: number; BooleanValue?: boolean } = v.AnnotationValue ?? {};
      return String(a.StringValue ?? a.NumberValue ?? a.BooleanValue ?? '');
    });
    return `${k} = ${values.join(', ')}`;
  });
  return lines.length ? `Annotations:\n${lines.join('\n')}` : 'No annotations';
}

function Row({ s }: { s: Summary }) {
  const status = s.Http?.HttpStatus;
  const health = worst({ fault: s.HasFault, throttle: s.HasThrottle, error: s.HasError }) === 'ok' ? statusHealth(status) : worst({ fault: s.HasFault, throttle: s.HasThrottle, error: s.HasError });
  const start = s.StartTime ? new Date(s.StartTime) : traceIdTime(s.Id ?? '');
  return html`<tr title=${annotationText(s)} data-trace=${s.Id} data-status=${status ?? ''}>
    <td class="id"><a href=${href({ view: 'trace', id: s.Id ?? '' })}>${s.Id}</a></td>
    <td>${clock(start)}</td>
    <td>${s.Http?.HttpMethod ?? '–'}</td>
    <td class="url">${s.Http?.HttpURL ?? '–'}</td>
    <td><span class=${`pill ${health}`}>${status ?? health}</span></td>
    <td class="num">${ms(responseTime(s))}</td>
  </tr>`;
}

export function TracesView({ since, filter, live }: { since: string; filter: string; live: boolean }) {
  const [draft, setDraft] = useState(filter);
  const [range, setRange] = useState<Range | undefined>(undefined);
  const [pages, setPages] = useState(1);
  useEffect(() => setDraft(filter), [filter]);
  useEffect(() => {
    setRange(undefined);
    setPages(1);
  }, [filter, since]);
  const list = usePoll(`traces:${since}:${filter}`, (signal) => getJson<SummariesAnswer>(`/api/traces${query({ since, filter })}`, signal), live);
  const all = list.data?.TraceSummaries ?? [];
  const bins = useMemo(() => binsOf(all.map(responseTime)), [list.data]);
  // Newest first, as the X-Ray console lists them.
  const shown = useMemo(() => {
    const rows = range ? all.filter((s) => inRange(bins, range, responseTime(s))) : all.slice();
    return rows.sort((a, b) => (b.Id ?? '').localeCompare(a.Id ?? '') || 0);
  }, [list.data, range]);
  const submit = (e: Event) => {
    e.preventDefault();
    location.hash = href({ view: 'traces', since, filter: draft.trim() });
  };
  const [lo, hi] = range ? rangeSeconds(bins, range) : [0, 0];
  return html`<section aria-labelledby="traces-title">
    <div class="toolbar">
      <h1 id="traces-title">Traces</h1>
      <${SinceSelect} value=${since} onChange=${(s: string) => (location.hash = href({ view: 'traces', since: s, filter }))} />
    </div>
    <form class="filter" onSubmit=${submit} role="search">
      <label for="filter-input">Filter expression</label>
      <input id="filter-input" type="text" spellcheck=${false} autocomplete="off" placeholder='e.g. service("user-service") AND responsetime > 0.2'
        value=${draft} onInput=${(e: Event) => setDraft((e.target as HTMLInputElement).value)} />
      <button type="submit">Run query</button>
    </form>
    <${Status} polled=${list} />
    ${list.data && !list.error
      ? html`
        <${Histogram} bins=${bins} range=${range} onRange=${setRange} />
        <p class="count" aria-live="polite">
          ${range ? `${shown.length} of ${all.length} traces with response time ${ms(lo)}–${ms(hi)}` : `${all.length} traces`}${list.data.NextToken ? ' (more in this range: narrow the time range or the filter)' : ''}
          ${range ? html` <button type="button" class="link" onClick=${() => setRange(undefined)}>Clear selection</button>` : null}
        </p>
        <div class="table-scroll">
          <table class="traces">
            <caption class="sr-only">Traces, newest first; hover a row for its annotations</caption>
            <thead><tr><th scope="col">ID</th><th scope="col">Time</th><th scope="col">Method</th><th scope="col">URL</th><th scope="col">Status</th><th scope="col">Response time</th></tr></thead>
            <tbody>${shown.slice(0, pages * PAGE_ROWS).map((s) => html`<${Row} key=${s.Id} s=${s} />`)}</tbody>
          </table>
        </div>
        ${shown.length > pages * PAGE_ROWS
          ? html`<p class="more"><button type="button" onClick=${() => setPages(pages + 1)}>Show ${Math.min(PAGE_ROWS, shown.length - pages * PAGE_ROWS)} more (${pages * PAGE_ROWS} of ${shown.length} shown)</button></p>`
          : null}`
      : null}
  </section>`;
}
