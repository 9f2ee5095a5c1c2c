/** The node's health ring: ok / error (4xx) / throttle (429) / fault (5xx) shares as arcs of one circle. */
import { html } from './html.js';
import type { HealthCounts } from './format.js';

const PARTS = ['ok', 'error', 'throttle', 'fault'] as const;

export function HealthRing({ health, r, cx, cy }: { health: HealthCounts; r: number; cx: number; cy: number }) {
  const c = 2 * Math.PI * r;
  const total = health.ok + health.error + health.throttle + health.fault;
  if (total === 0) return html`<circle class="ring ring-none" cx=${cx} cy=${cy} r=${r} />`;
  let offset = 0;
  return html`<g transform=${`rotate(-90 ${cx} ${cy})`}>
    ${PARTS.filter((p) => health[p] > 0).map((p) => {
      const len = (health[p] / total) * c;
      const arc = html`<circle class=${`ring ring-${p}`} cx=${cx} cy=${cy} r=${r} stroke-dasharray=${`${len} ${c - len}`} stroke-dashoffset=${-offset} />`;
      offset += len;
      return arc;
    })}
  </g>`;
}

export function healthText(h: HealthCounts): string {
  const pct = (n: number) => (h.total ? `${Math.round((n / h.total) * 100)}%` : '0%');
  return `ok ${pct(h.ok)}, error ${pct(h.error)}, throttle ${pct(h.throttle)}, fault ${pct(h.fault)}`;
}
