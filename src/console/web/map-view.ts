/** The service map: dagre-laid nodes with health rings, latency and rate; edges with count and latency. Click → traces. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { getJson, graphPath, type GraphAnswer } from './api.js';
import { ms, perMinute } from './format.js';
import { layoutGraph, NODE_H, NODE_W, typeBadge, typeLabel, type MapEdge, type MapNode } from './graph-layout.js';
import { HealthRing, healthText } from './health-ring.js';
import { html } from './html.js';
import { usePoll } from './poll.js';
import { href } from './route.js';
import { SinceSelect, Status } from './widgets.js';

const avg = (h: { total: number; responseTime: number }) => (h.total ? h.responseTime / h.total : undefined);

function NodeBox({ n, windowMs, since }: { n: MapNode; windowMs: number; since: string }) {
  const x = n.x - NODE_W / 2;
  const y = n.y - NODE_H / 2;
  // The visible text is the link's name (so speech input can say it); the rest is its description.
  const desc = `${n.health.total} requests: ${healthText(n.health)}. Opens its traces.`;
  return html`<a class=${`node${n.inferred ? ' inferred' : ''}`} href=${href({ view: 'traces', since, filter: n.filter })} data-node=${n.name} data-type=${n.type}>
    <desc>${desc}</desc>
    <rect x=${x} y=${y} width=${NODE_W} height=${NODE_H} rx="10" />
    <${HealthRing} health=${n.health} r=${22} cx=${x + 32} cy=${n.y} />
    <text class="badge" x=${x + 32} y=${n.y + 5} text-anchor="middle">${typeBadge(n.type)}</text>
    <text class="name" x=${x + 62} y=${y + 24}>${n.name.length > 17 ? `${n.name.slice(0, 16)}…` : n.name}</text>
    <text class="type" x=${x + 62} y=${y + 42}>${typeLabel(n.type)}</text>
    <text class="stat" x=${x + 62} y=${y + 60}>${ms(avg(n.health))} · ${perMinute(n.health.total, windowMs)}</text>
    ${n.inferred ? html`<text class="type" x=${x + 62} y=${y + 78}>inferred</text>` : null}
  </a>`;
}

function EdgeLine({ e, since }: { e: MapEdge; since: string }) {
  if (e.points.length < 2) return null;
  const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
  const mid = e.points[Math.floor(e.points.length / 2)]!;
  const desc = `Calls from ${e.from.name} to ${e.to.name}: ${healthText(e.health)}. Opens their traces.`;
  return html`<a class=${`edge edge-${e.health.fault ? 'fault' : e.health.error || e.health.throttle ? 'error' : 'ok'}`} href=${href({ view: 'traces', since, filter: e.filter })} data-edge=${`${e.from.name}>${e.to.name}`}>
    <desc>${desc}</desc>
    <path d=${d} marker-end="url(#arrow)" />
    <text x=${mid.x} y=${mid.y - 6} text-anchor="middle">${e.health.total} · ${ms(avg(e.health))}</text>
  </a>`;
}

const NARROW = '(max-width: 700px)';

function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const mq = matchMedia(NARROW);
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return narrow;
}

export function MapView({ since, live }: { since: string; live: boolean }) {
  const graph = usePoll(`graph:${since}`, (signal) => getJson<GraphAnswer>(graphPath(since), signal), live);
  const services = graph.data?.Services;
  const narrow = useNarrow();
  const laid = useMemo(() => (services ? layoutGraph(services, narrow ? 'TB' : 'LR') : undefined), [services, narrow]);
  const windowMs = graph.data?.StartTime && graph.data.EndTime ? Date.parse(graph.data.EndTime) - Date.parse(graph.data.StartTime) : 0;
  return html`<section aria-labelledby="map-title">
    <div class="toolbar">
      <h1 id="map-title">Service map</h1>
      <${SinceSelect} value=${since} onChange=${(s: string) => (location.hash = href({ view: 'map', since: s }))} />
    </div>
    <${Status} polled=${graph} />
    ${laid && laid.nodes.length === 0 ? html`<p class="empty">No traces in this time range yet. Send requests (xray-lab load), or widen the range.</p>` : null}
    ${laid && laid.nodes.length > 0
      ? html`<div class="map-scroll">
          <svg class="map" viewBox=${`0 0 ${laid.width} ${laid.height}`} width=${laid.width} height=${laid.height} role="group" aria-label=${`Service map with ${laid.nodes.length} nodes and ${laid.edges.length} edges`} data-ready="true">
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" /></marker></defs>
            ${laid.edges.map((e) => html`<${EdgeLine} key=${`${e.from.ref}-${e.to.ref}`} e=${e} since=${since} />`)}
            ${laid.nodes.map((n) => html`<${NodeBox} key=${n.ref} n=${n} windowMs=${windowMs} since=${since} />`)}
          </svg>
        </div>
        <${Legend} />`
      : null}
  </section>`;
}

function Legend() {
  return html`<ul class="legend" aria-label="Health colours">
    <li><span class="swatch swatch-ok"></span>OK</li><li><span class="swatch swatch-error"></span>Error (4xx)</li>
    <li><span class="swatch swatch-throttle"></span>Throttle (429)</li><li><span class="swatch swatch-fault"></span>Fault (5xx)</li>
  </ul>`;
}
