import { describe, it, expect } from 'vitest';
import { validateSegmentDocument, type SegmentDoc } from '../../../src/local/xray/segments.js';
import { assembleTrace, inferredSegmentId } from '../../../src/local/xray/assemble.js';
import { buildModel } from '../../../src/local/xray/model.js';
import { makeLabTrace, seededRandom } from '../../../src/local/xray/synthetic.js';

const T = '1-5f000000-0123456789abcdef01234567';
const seg = (extra: Record<string, unknown>) => JSON.stringify({ id: 'a'.repeat(16), trace_id: T, name: 'svc', start_time: 1.5e9, end_time: 1.5e9 + 1, ...extra });

describe('validateSegmentDocument', () => {
  const cases: [string, string, string | null][] = [
    ['a complete segment', seg({}), null],
    ['an in-progress segment', seg({ end_time: undefined, in_progress: true }), null],
    ['an independent subsegment', seg({ type: 'subsegment', parent_id: 'b'.repeat(16) }), null],
    ['not JSON', '{"id":', 'InvalidJson'],
    ['a JSON array', '[1,2]', 'InvalidSegment'],
    ['a bad trace id', seg({ trace_id: '1-5f00-0123' }), 'InvalidTraceId'],
    ['an upper-case trace id', seg({ trace_id: T.toUpperCase() }), 'InvalidTraceId'],
    ['a short id', seg({ id: 'abc' }), 'InvalidSegmentId'],
    ['no name', seg({ name: undefined }), 'MissingName'],
    ['a 201-char name', seg({ name: 'x'.repeat(201) }), 'InvalidName'],
    ['a string start_time', seg({ start_time: '1' }), 'InvalidTiming'],
    ['both end_time and in_progress', seg({ in_progress: true }), 'InvalidTiming'],
    ['neither end_time nor in_progress', seg({ end_time: undefined }), 'InvalidTiming'],
    ['a subsegment without parent_id', seg({ type: 'subsegment' }), 'MissingParentId'],
    ['an unknown type', seg({ type: 'span' }), 'InvalidType'],
    ['an object annotation', seg({ annotations: { a: { b: 1 } } }), 'InvalidAnnotations'],
    ['an embedded subsegment without timing', seg({ subsegments: [{ id: 'c'.repeat(16), name: 's', start_time: 1 }] }), 'InvalidSubsegment'],
    ['an oversized document', seg({ metadata: { pad: 'x'.repeat(70_000) } }), 'DocumentTooLarge'],
    ['a document over 64 KiB only in UTF-8 bytes', seg({ metadata: { pad: 'é'.repeat(33_000) } }), 'DocumentTooLarge'],
    ['a document just under 64 KiB of multi-byte text', seg({ metadata: { pad: 'é'.repeat(32_000) } }), null],
  ];
  it.each(cases)('%s', (_label, text, code) => {
    const r = validateSegmentDocument(text);
    if (code === null) expect(r.ok).toBe(true);
    else expect(r.ok ? null : r.error.ErrorCode).toBe(code);
  });

  it('names the offending document id', () => {
    const r = validateSegmentDocument(seg({ start_time: 'x' }));
    expect(r.ok ? null : r.error.Id).toBe('a'.repeat(16));
  });
});

function labDocs(opts: Partial<Parameters<typeof makeLabTrace>[0]> = {}): SegmentDoc[] {
  return makeLabTrace({ startMs: 1_700_000_000_000, traceId: T, random: seededRandom(7), ...opts }).map((t) => JSON.parse(t) as SegmentDoc);
}

describe('assembleTrace', () => {
  it('merges independent subsegments into Invocation and infers the DynamoDB table segment', () => {
    const docs = labDocs();
    const ddbSubId = docs[0].id;

    const t = assembleTrace(T, docs);

    expect(t.orphans).toEqual([]);
    expect(t.segments.map((s) => [s.name, s.origin])).toEqual([
      ['user-api/prod', 'AWS::ApiGateway::Stage'],
      ['user-service', 'AWS::Lambda'],
      ['user-service', 'AWS::Lambda::Function'],
      ['DynamoDB', 'AWS::DynamoDB::Table'],
    ]);
    const fn = t.segments[2];
    const invocation = fn.subsegments!.find((s) => s.name === 'Invocation')!;
    const proc = invocation.subsegments![0];
    expect(proc.name).toBe('user_processing');
    expect(proc.subsegments![0].id).toBe(ddbSubId);
    expect(proc.type).toBeUndefined();
    const inferred = t.segments[3];
    expect(inferred).toMatchObject({ inferred: true, parent_id: ddbSubId, id: inferredSegmentId(T, ddbSubId), aws: { table_name: 'UserProfiles' } });
    expect(t.duration).toBeCloseTo(t.segments[0].end_time! - t.segments[0].start_time, 6);
  });

  it('gives the inferred segment the same id on every read', () => {
    const a = assembleTrace(T, labDocs()).segments[3].id;
    const b = assembleTrace(T, labDocs()).segments[3].id;
    expect(a).toBe(b);
  });

  it('does not infer a segment for a call whose callee sent its own segment', () => {
    const t = assembleTrace(T, labDocs());
    expect(t.segments.filter((s) => s.inferred).map((s) => s.name)).toEqual(['DynamoDB']);
  });

  it('keeps a subsegment whose parent has not arrived as an orphan and marks the trace partial', () => {
    const docs = labDocs().filter((d) => d.name !== 'user_processing');
    const t = assembleTrace(T, docs);
    expect(t.orphans.map((o) => o.name)).toEqual(['DynamoDB']);
    expect(buildModel(t).partial).toBe(true);
  });

  it('infers a remote node from the host of an untraced HTTP call', () => {
    const docs = [JSON.parse(seg({ subsegments: [{ id: 'c'.repeat(16), name: 'api.example.com', namespace: 'remote', start_time: 1.5e9, end_time: 1.5e9 + 0.5, http: { request: { url: 'https://api.example.com/x' } } }] }))];
    const t = assembleTrace(T, docs);
    expect(t.segments[1]).toMatchObject({ name: 'api.example.com', origin: 'remote', inferred: true });
  });

  it('flags a trace beyond the size limit', () => {
    expect(assembleTrace(T, labDocs(), 600 * 1024).limitExceeded).toBe(true);
    expect(assembleTrace(T, labDocs(), 10 * 1024).limitExceeded).toBe(false);
  });
});

describe('buildModel', () => {
  it('finds the lab nodes, the entry point and four edges', () => {
    const m = buildModel(assembleTrace(T, labDocs()));
    expect(m.nodes.map((n) => `${n.name}|${n.type}`)).toEqual([
      'user-api/prod|AWS::ApiGateway::Stage', 'user-service|AWS::Lambda', 'user-service|AWS::Lambda::Function', 'UserProfiles|AWS::DynamoDB::Table',
    ]);
    expect(m.rootNode).toBe(0);
    expect(m.edges.map((e) => [e.from, e.to, e.calls.length])).toEqual([[0, 1, 1], [1, 2, 1], [2, 3, 1]]);
    expect(m.partial).toBe(false);
    expect(m.hasInferred).toBe(true);
  });
});
