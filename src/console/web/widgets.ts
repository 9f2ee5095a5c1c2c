/** Small shared pieces: the time-range picker and the loading / error line. */
import { html } from './html.js';
import type { Polled } from './poll.js';
import { SINCE_CHOICES } from './route.js';

const SINCE_TEXT: Record<string, string> = { '5m': 'Last 5 minutes', '15m': 'Last 15 minutes', '1h': 'Last hour', '6h': 'Last 6 hours', '1d': 'Last day' };

export function SinceSelect({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const choices = (SINCE_CHOICES as readonly string[]).includes(value) ? SINCE_CHOICES : [...SINCE_CHOICES, value];
  return html`<label class="since">Time range
    <select value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      ${choices.map((c) => html`<option value=${c}>${SINCE_TEXT[c] ?? `Last ${c}`}</option>`)}
    </select>
  </label>`;
}

export function Status({ polled }: { polled: Polled<unknown> }) {
  if (polled.error) return html`<p class="error-message" role="alert">${polled.error}</p>`;
  if (polled.loading && polled.data === undefined) return html`<p class="loading" aria-live="polite">Loading…</p>`;
  return null;
}
