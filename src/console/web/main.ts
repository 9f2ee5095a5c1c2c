/** The console's single page: a header with the views and the live switch, and the view the URL names. */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import './style.css';
import { html } from './html.js';
import { LabView } from './lab-view.js';
import { MapView } from './map-view.js';
import { href, parseRoute, useRoute, DEFAULT_SINCE } from './route.js';
import { graphPath, prefetch } from './api.js';
import { TimelineView } from './timeline-view.js';
import { TracesView } from './traces-view.js';

function App() {
  const route = useRoute();
  const [live, setLive] = useState(true);
  const since = 'since' in route ? route.since : DEFAULT_SINCE;
  const tab = (view: string, label: string, to: string) =>
    html`<a href=${to} aria-current=${route.view === view || (view === 'traces' && route.view === 'trace') ? 'page' : undefined}>${label}</a>`;
  let view;
  switch (route.view) {
    case 'map':
      view = html`<${MapView} since=${route.since} live=${live} />`;
      break;
    case 'traces':
      view = html`<${TracesView} since=${route.since} filter=${route.filter} live=${live} />`;
      break;
    case 'trace':
      view = html`<${TimelineView} id=${route.id} live=${live} />`;
      break;
    case 'lab':
      view = html`<${LabView} live=${live} />`;
      break;
  }
  return html`<header class="top">
      <span class="brand">xray-lab console</span>
      <nav aria-label="Views">
        ${tab('map', 'Service map', href({ view: 'map', since }))}
        ${tab('traces', 'Traces', href({ view: 'traces', since, filter: '' }))}
        ${tab('lab', 'Lab', href({ view: 'lab' }))}
      </nav>
      <label class="live"><input type="checkbox" checked=${live} onChange=${(e: Event) => setLive((e.target as HTMLInputElement).checked)} /> Live refresh</label>
    </header>
    <main>${view}</main>`;
}

// The map is the first thing most visits draw: ask for its graph while the page mounts.
const first = parseRoute(location.hash);
if (first.view === 'map') prefetch(graphPath(first.since));

const root = document.getElementById('app')!;
// The "Loading…" placeholder of the HTML shell is not Preact's to diff: clear it first.
root.textContent = '';
render(html`<${App} />`, root);
