/** One trace as a waterfall on a time axis: status colours, error/fault/throttle flags, inferred nodes marked, details on click. */
import { useMemo, useState } from 'preact/hooks';
import { getJson, type FullTrace } from './api.js';
import { Details } from './details.js';
import { ms } from './format.js';
import { html } from './html.js';
import { usePoll } from './poll.js';
import { href } from './route.js';
import { buildWaterfall, parseDocs, type WaterfallRow } from './segments.js';
import { Status } from './widgets.js';

const TICKS = [0, 0.25, 0.5, 0.75, 1];

function Flags({ r }: { r: WaterfallRow }) {
  const d = r.doc;
  return html`${d.fault ? html`<span class="flag fault" title="fault (5xx)">F</span>` : null}${d.throttle ? html`<span class="flag throttle" title="throttle (429)">T</span>` : null}${d.error ? html`<span class="flag error" title="error (4xx)">E</span>` : null}`;
}

function RowView({ r, total, selected, onSelect }: { r: WaterfallRow; total: number; selected: boolean; onSelect: () => void }) {
  const d = r.doc;
  const left = (r.offset / total) * 100;
  const width = Math.max(0.4, (r.duration / total) * 100);
  const status = d.http?.response?.status;
  return html`<li class=${`wf-row${r.segment ? ' segment' : ''}${selected ? ' selected' : ''}`} data-name=${d.name}>
    <button type="button" aria-pressed=${selected} onClick=${onSelect} title=${`${r.health}; show the details`}>
      <span class="wf-name" style=${{ paddingLeft: `${r.depth * 14}px` }}>
        ${d.name}${d.inferred ? html` <span class="tag">inferred</span>` : null}${r.segment && d.origin ? html` <span class="origin">${d.origin}</span>` : null}
      </span>
      <span class="wf-status">${status ?? ''} <${Flags} r=${r} /></span>
      <span class="wf-track"><span class=${`wf-bar ${r.health}`} style=${{ left: `${left}%`, width: `${width}%` }}></span></span>
      <span class="wf-dur">${ms(r.duration)}</span>
    </button>
  </li>`;
}

export function TimelineView({ id, live }: { id: string; live: boolean }) {
  const trace = usePoll(`trace:${id}`, (signal) => getJson<FullTrace>(`/api/trace/${encodeURIComponent(id)}`, signal), live);
  const wf = useMemo(() => (trace.data ? buildWaterfall(parseDocs(trace.data)) : undefined), [trace.data]);
  const [selectedId, setSelected] = useState<string | undefined>(undefined);
  // Keyed by id and position: ids are the SDKs' to choose, and a broken client may repeat one.
  const keyOf = (r: WaterfallRow, i: number) => `${r.doc.id}:${i}`;
  const selected = wf?.rows.find((r, i) => keyOf(r, i) === selectedId);
  return html`<section aria-labelledby="trace-title">
    <div class="toolbar">
      <h1 id="trace-title">Trace <span class="mono">${id}</span></h1>
      <a href=${href({ view: 'traces', since: '1h', filter: '' })}>Back to traces</a>
    </div>
    <${Status} polled=${trace} />
    ${wf
      ? html`<div class=${`timeline-layout${selected ? ' with-details' : ''}`}>
          <div class="timeline">
            <div class="wf-axis" aria-hidden="true"><span class="wf-name"></span><span class="wf-status"></span>
              <span class="wf-track">${TICKS.map((t) => html`<span class="tick" style=${{ left: `${t * 100}%` }}>${ms(t * wf.duration)}</span>`)}</span><span class="wf-dur"></span>
            </div>
            <ol class="waterfall" aria-label=${`${wf.rows.length} segments and subsegments over ${ms(wf.duration)}`} data-ready="true">
              ${wf.rows.map((r, i) => {
                const key = keyOf(r, i);
                return html`<${RowView} key=${key} r=${r} total=${wf.duration} selected=${key === selectedId} onSelect=${() => setSelected(key === selectedId ? undefined : key)} />`;
              })}
            </ol>
          </div>
          ${selected ? html`<${Details} doc=${selected.doc} onClose=${() => setSelected(undefined)} />` : null}
        </div>`
      : null}
  </section>`;
}
