import { describe, expect, it } from 'vitest';
import { flattenTree, nestSubsegments } from '../../../src/local/otlp/nest.js';
import type { SegmentDoc } from '../../../src/local/xray/segments.js';

const T = '1-5f84c7a1-0123456789abcdef01234567';
const seg = (id: string): SegmentDoc => ({ id, trace_id: T, name: id, start_time: 1, end_time: 2 });
const sub = (id: string, parent: string, trace = T): SegmentDoc => ({ id, trace_id: trace, parent_id: parent, type: 'subsegment', name: id, start_time: 1, end_time: 2 });
const id = (n: number) => n.toString(16).padStart(16, '0');

describe('nesting the spans of one request', () => {
  it('embeds subsegments under their parents, whatever the order, and counts the spans of each document', () => {
    const out = nestSubsegments([sub(id(3), id(2)), sub(id(2), id(1)), seg(id(1)), sub(id(4), id(9))]);

    expect(out.map((n) => [n.doc.id, n.spans])).toEqual([[id(1), 3], [id(4), 1]]);
    expect(out[0]!.doc.subsegments).toEqual([{ id: id(2), name: id(2), start_time: 1, end_time: 2, subsegments: [{ id: id(3), name: id(3), start_time: 1, end_time: 2 }] }]);
    expect(out[1]!.doc).toMatchObject({ type: 'subsegment', parent_id: id(9), trace_id: T });
  });

  it('leaves loops of parent ids, other traces\' parents and over-deep chains as separate documents', () => {
    const loop = nestSubsegments([sub(id(1), id(2)), sub(id(2), id(1)), sub(id(3), id(5), '1-5f84c7a1-aaaaaaaaaaaaaaaaaaaaaaaa'), seg(id(5))]);
    const chain = [seg(id(100)), ...Array.from({ length: 40 }, (_, i) => sub(id(101 + i), id(100 + i)))];
    const deep = nestSubsegments(chain);

    expect(loop.map((n) => n.doc.id).sort()).toEqual([id(1), id(2), id(3), id(5)]);
    expect(deep.reduce((n, d) => n + d.spans, 0)).toBe(41);
    expect(deep.every((d) => d.spans <= 31)).toBe(true);
  });

  it('flattens a nested tree back into the separate documents', () => {
    const [tree] = nestSubsegments([seg(id(1)), sub(id(2), id(1)), sub(id(3), id(2))]);

    expect(flattenTree(tree!.doc)).toEqual([seg(id(1)), sub(id(2), id(1)), sub(id(3), id(2))]);
  });
});
