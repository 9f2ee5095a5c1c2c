import { describe, expect, it } from 'vitest';
import { compareTraces, lowerBound, TraceOrder } from '../../../src/local/xray/trace-order.js';
import type { TraceIndex } from '../../../src/local/xray/trace-index.js';
import { seededRandom } from '../../../src/local/xray/synthetic.js';

const rec = (id: string, start: number, end = start + 1): TraceIndex => ({ id, start, end, idEpoch: Math.floor(start) }) as TraceIndex;

describe('TraceOrder', () => {
  it('keeps records in (start, id) order whatever the arrival order, dropping replaced ones', () => {
    const current = new Map<string, TraceIndex>();
    const order = new TraceOrder((t) => current.get(t.id) === t);
    const rnd = seededRandom(5);
    for (let round = 0; round < 40; round++) {
      // Mostly newer traces, some late ones, some replacements of earlier ones, and same-start ties.
      for (let k = 0; k < 200; k++) {
        const id = `t${Math.floor(rnd() * 3000)}`;
        const start = rnd() < 0.8 ? round * 100 + Math.floor(rnd() * 100) : Math.floor(rnd() * round * 100);
        if (current.has(id)) order.dropped();
        const t = rec(id, start);
        current.set(id, t);
        order.add(t);
      }
      const live = order.settle().filter((t) => current.get(t.id) === t);
      expect(live).toEqual([...current.values()].sort(compareTraces));
    }
  });

  it('finds the first position at or after a (start, id) key', () => {
    const arr = [rec('a', 1), rec('b', 2), rec('c', 2), rec('d', 3)];
    expect(lowerBound(arr, 2)).toBe(1);
    expect(lowerBound(arr, 2, 'c')).toBe(2);
    expect(lowerBound(arr, 2, 'cz')).toBe(3);
    expect(lowerBound(arr, 9)).toBe(4);
  });

  it('widens windows by the largest end and id distances it has seen', () => {
    const order = new TraceOrder(() => true);
    order.add({ ...rec('x', 100, 160), idEpoch: 98 } as TraceIndex);
    expect(order.spread).toEqual({ span: 60, idLag: 2, idLead: 0 });
  });
});
