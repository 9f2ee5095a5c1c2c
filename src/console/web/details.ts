/** The details panel of one segment or subsegment: what the X-Ray console's tabs show, as sections. */
import { html } from './html.js';
import { ms } from './format.js';
import type { SegmentDoc } from './segments.js';

const json = (v: unknown): string => JSON.stringify(v, null, 2);

function Section({ title, value }: { title: string; value: unknown }) {
  if (value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0)) return null;
  return html`<section class="detail"><h3>${title}</h3><pre tabindex="0">${json(value)}</pre></section>`;
}

function Annotations({ a }: { a: Record<string, unknown> | undefined }) {
  if (!a || Object.keys(a).length === 0) return null;
  return html`<section class="detail"><h3>Annotations</h3>
    <table class="kv"><tbody>${Object.entries(a).map(([k, v]) => html`<tr data-annotation=${k}><th scope="row">${k}</th><td>${String(v)}</td></tr>`)}</tbody></table>
  </section>`;
}

function Exceptions({ cause }: { cause: SegmentDoc['cause'] }) {
  if (cause === undefined) return null;
  // A string cause is the id of an exception recorded on a child; the child's panel shows it.
  if (typeof cause === 'string') return html`<section class="detail"><h3>Exceptions</h3><p>Caused by exception ${cause} (see the subsegment that recorded it).</p></section>`;
  const list = cause.exceptions ?? [];
  if (list.length === 0) return null;
  return html`<section class="detail"><h3>Exceptions</h3>
    ${list.map((x) => html`<div class="exception">
      <p><strong>${x.type ?? 'Error'}</strong>${x.remote ? ' (remote)' : ''}: ${x.message ?? ''}</p>
      ${x.stack?.length ? html`<pre tabindex="0">${x.stack.map((f) => `  at ${f.label ?? '<anonymous>'} (${f.path ?? '?'}:${f.line ?? '?'})`).join('\n')}</pre>` : null}
    </div>`)}
  </section>`;
}

export function Details({ doc, onClose }: { doc: SegmentDoc; onClose: () => void }) {
  const dur = doc.end_time !== undefined ? doc.end_time - doc.start_time : undefined;
  const { subsegments: _children, ...own } = doc;
  return html`<aside class="details" aria-labelledby="details-title">
    <div class="details-head">
      <h2 id="details-title">${doc.name}</h2>
      <button type="button" onClick=${onClose}>Close details</button>
    </div>
    <dl class="overview">
      <dt>Id</dt><dd>${doc.id}</dd>
      ${doc.origin ? html`<dt>Origin</dt><dd>${doc.origin}${doc.inferred ? ' (inferred)' : ''}</dd>` : null}
      ${doc.namespace ? html`<dt>Namespace</dt><dd>${doc.namespace}</dd>` : null}
      <dt>Start</dt><dd>${new Date(doc.start_time * 1000).toISOString()}</dd>
      <dt>Duration</dt><dd>${dur !== undefined ? ms(dur) : 'in progress'}</dd>
      <dt>Flags</dt><dd>${[doc.error && 'error', doc.throttle && 'throttle', doc.fault && 'fault'].filter(Boolean).join(', ') || 'none'}</dd>
    </dl>
    <${Annotations} a=${doc.annotations} />
    <${Section} title="Metadata" value=${doc.metadata} />
    <${Section} title="HTTP" value=${doc.http} />
    <${Section} title="AWS" value=${doc.aws} />
    <${Section} title="SQL" value=${doc.sql} />
    <${Exceptions} cause=${doc.cause} />
    <details class="raw"><summary>Raw JSON</summary><pre tabindex="0">${json(own)}</pre></details>
  </aside>`;
}
