import { describe, expect, it } from 'vitest';
import { formatTraceHeader, newTraceId, parseTraceHeader } from '../../../src/local/xray/trace-header.js';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';

describe('X-Amzn-Trace-Id', () => {
  it('reads keys case-insensitively and keeps the fields it does not interpret, verbatim and in order', () => {
    const h = parseTraceHeader(`root=${ROOT}; PARENT=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1;Self=1-67891234-abc`);

    expect(h).toEqual({ root: ROOT, parent: '53995c3f42cd8ad8', sampled: '1', extra: ['Lineage=a87bd80c:1', 'Self=1-67891234-abc'] });
  });

  it('treats a malformed Root or Parent as absent and ignores fields without a key', () => {
    const h = parseTraceHeader('Root=1-zz-123;Parent=xyz;=oops;Sampled=?');

    expect(h).toEqual({ root: undefined, parent: undefined, sampled: '?', extra: [] });
    expect(parseTraceHeader(undefined)).toEqual({ extra: [] });
  });

  it('writes Root, then Parent and Sampled when given, then the passed-on fields', () => {
    expect(formatTraceHeader({ root: ROOT })).toBe(`Root=${ROOT}`);
    expect(formatTraceHeader({ root: ROOT, parent: '53995c3f42cd8ad8', sampled: '0', extra: ['Lineage=a87bd80c:1'] }))
      .toBe(`Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=0;Lineage=a87bd80c:1`);
  });

  it('makes trace ids from the epoch second and 24 hex digits', () => {
    const id = newTraceId(1_700_000_000_500, { hex: (n) => 'a'.repeat(n), alnum: (n) => 'a'.repeat(n), uuid: () => '' });

    expect(id).toBe(`1-${(1_700_000_000).toString(16)}-${'a'.repeat(24)}`);
  });
});
