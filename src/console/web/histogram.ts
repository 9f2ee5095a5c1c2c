/**
 * The response-time distribution, as in the X-Ray console: bars of equal width in time; drag across
 * bars (or click, shift+click, or use the keyboard: each bar is a button) to narrow the list to a range.
 */
import { useRef } from 'preact/hooks';
import { html } from './html.js';
import { ms } from './format.js';
import type { Bins, Range } from './histogram-bins.js';

export function Histogram({ bins, range, onRange }: { bins: Bins; range: Range | undefined; onRange: (r: Range | undefined) => void }) {
  const anchor = useRef<number | undefined>(undefined);
  const peak = Math.max(1, ...bins.counts);
  const selected = (i: number) => range !== undefined && i >= Math.min(range.from, range.to) && i <= Math.max(range.from, range.to);
  return html`<div class="histogram" role="group" aria-label="Response time distribution: select bars to narrow the list">
    <div class="bars" onPointerUp=${() => (anchor.current = undefined)} onPointerLeave=${() => (anchor.current = undefined)}>
      ${bins.counts.map((n, i) => {
        const [lo, hi] = [i * bins.width, (i + 1) * bins.width];
        return html`<button type="button" class=${`bar${selected(i) ? ' selected' : ''}`} aria-pressed=${selected(i)}
          aria-label=${`${ms(lo)} to ${ms(hi)}: ${n} traces`} title=${`${ms(lo)}–${ms(hi)}: ${n}`}
          onPointerDown=${(e: PointerEvent) => {
            // Let pointerenter reach the other bars while the button is held (a drag selects a range).
            (e.currentTarget as HTMLElement).releasePointerCapture?.(e.pointerId);
            if (e.shiftKey && range) return onRange({ from: range.from, to: i });
            anchor.current = i;
            onRange({ from: i, to: i });
          }}
          onPointerEnter=${() => anchor.current !== undefined && onRange({ from: anchor.current, to: i })}
          onClick=${(e: MouseEvent) => {
            // detail 0: Enter or Space on the focused bar (pointer clicks were handled on pointerdown).
            if (e.detail === 0) onRange(e.shiftKey && range ? { from: range.from, to: i } : { from: i, to: i });
          }}>
          <span class="fill" style=${{ height: `${(n / peak) * 100}%` }}></span>
        </button>`;
      })}
    </div>
    <div class="axis"><span>0</span><span>${ms(bins.max / 2)}</span><span>${ms(bins.max)}</span></div>
  </div>`;
}
