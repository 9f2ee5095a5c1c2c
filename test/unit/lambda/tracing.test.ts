import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LambdaSampler } from '../../../src/local/lambda/sampler.js';
import { parseTraceHeader } from '../../../src/local/xray/trace-header.js';
import { fn, harness, json, payload, removeTempDirs, type Harness } from './helpers.js';

interface Sub { id: string; name: string; start_time: number; end_time: number; fault?: boolean }
interface Seg extends Sub {
  trace_id: string; parent_id?: string; origin: string; resource_arn?: string; fault?: boolean;
  http?: { response: { status: number } }; aws: Record<string, unknown>; subsegments?: Sub[];
}

const echoTrace = 'exports.handler = async (e) => { if (e.fail) throw new Error("nope"); return process.env._X_AMZN_TRACE_ID; };';
const upstream = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1';

function bySegment(docs: string[]): { service: Seg; fn: Seg } {
  const segs = docs.map((d) => JSON.parse(d) as Seg);
  const service = segs.find((s) => s.origin === 'AWS::Lambda');
  const fnSeg = segs.find((s) => s.origin === 'AWS::Lambda::Function');
  if (!service || !fnSeg) throw new Error(`missing Lambda segments in ${docs.join('\n')}`);
  return { service, fn: fnSeg };
}

describe('LambdaEngine tracing', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('emits the AWS::Lambda and AWS::Lambda::Function segments linked to the upstream caller', async () => {
    h = harness();
    const spec = fn({ 'index.js': echoTrace });

    const r = await h.engine.invoke(spec, { payload: payload({}), traceHeader: upstream, requestId: 'req-1' });
    await h.engine.flush();

    const { service, fn: fnSeg } = bySegment(h.segments);
    expect(r.traceId).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(r.sampled).toBe(true);
    expect(service).toMatchObject({
      name: spec.name, trace_id: r.traceId, parent_id: '53995c3f42cd8ad8', origin: 'AWS::Lambda',
      resource_arn: spec.arn, http: { response: { status: 200 } }, aws: { request_id: 'req-1' },
    });
    expect(fnSeg).toMatchObject({
      name: spec.name, trace_id: r.traceId, parent_id: service.id, origin: 'AWS::Lambda::Function',
      aws: { account_id: '000000000000', function_arn: spec.arn, resource_names: [spec.name] },
    });
    expect(fnSeg.subsegments?.map((s) => s.name)).toEqual(['Initialization', 'Invocation', 'Overhead']);
  });

  it('hands the function Root, Parent = the Invocation subsegment id, Sampled=1 and the unknown keys', async () => {
    h = harness();
    const spec = fn({ 'index.js': echoTrace });

    const r = await h.engine.invoke(spec, { payload: payload({}), traceHeader: upstream });
    await h.engine.flush();

    const invocation = bySegment(h.segments).fn.subsegments?.find((s) => s.name === 'Invocation');
    const seen = parseTraceHeader(json(r.payload) as string);
    expect(seen.root).toBe(r.traceId);
    expect(seen.parent).toBe(invocation?.id);
    expect(seen.sampled).toBe('1');
    expect(seen.extra).toEqual(['Lineage=a87bd80c:1']);
  });

  it('nests the phase times, and records Initialization on the cold start only', async () => {
    h = harness();
    const spec = fn({ 'index.js': echoTrace });

    await h.engine.invoke(spec, { payload: payload({}), traceHeader: upstream });
    await h.engine.invoke(spec, { payload: payload({}), traceHeader: upstream });
    await h.engine.flush();

    const cold = bySegment(h.segments.slice(0, 2));
    const warm = bySegment(h.segments.slice(2, 4));
    expect(warm.fn.subsegments?.map((s) => s.name)).toEqual(['Invocation', 'Overhead']);
    for (const { service, fn: fnSeg } of [cold, warm]) {
      const subs = fnSeg.subsegments ?? [];
      const chain = [service.start_time, fnSeg.start_time, ...subs.flatMap((s) => [s.start_time, s.end_time]), fnSeg.end_time, service.end_time];
      expect(chain).toEqual([...chain].sort((a, b) => a - b));
      for (const s of subs) expect(s.id).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(cold.fn.start_time).toBe(cold.fn.subsegments?.[0]?.start_time);
  });

  it('adds the XRAY line to REPORT and marks a function error as a fault on the function segment', async () => {
    h = harness();
    const spec = fn({ 'index.js': echoTrace });

    const r = await h.engine.invoke(spec, { payload: payload({ fail: true }), traceHeader: upstream, logType: 'Tail' });

    const { service, fn: fnSeg } = bySegment(h.segments);
    expect(r.functionError).toBe('Unhandled');
    expect(service.fault).toBeUndefined();
    expect(fnSeg.fault).toBe(true);
    expect(fnSeg.subsegments?.find((s) => s.name === 'Invocation')?.fault).toBe(true);
    const log = Buffer.from(r.logResult ?? '', 'base64').toString();
    expect(log).toContain(`\nXRAY TraceId: ${r.traceId}\tSegmentId: ${fnSeg.id}\tSampled: true\n`);
  });

  it('emits nothing for Sampled=0 (the function sees a Parent and Sampled=0) or for PassThrough without a decision (Root only)', async () => {
    h = harness({ decideUnsampled: () => true });
    const passThrough = fn({ 'index.js': echoTrace });

    const notSampled = await h.engine.invoke(passThrough, { payload: payload({}), traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0' });
    const noHeader = await h.engine.invoke(passThrough, { payload: payload({}) });
    await h.engine.flush();

    expect(h.segments).toEqual([]);
    expect(notSampled.sampled).toBe(false);
    expect(json(notSampled.payload)).toMatch(/^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=[0-9a-f]{16};Sampled=0$/);
    expect(noHeader.traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(json(noHeader.payload)).toBe(`Root=${noHeader.traceId}`);
  });

  it('lets an Active function decide when no upstream decision came in (Sampled=? or no header)', async () => {
    const decisions = [true, false];
    h = harness({ decideUnsampled: () => decisions.shift() ?? false });
    const active = fn({ 'index.js': echoTrace }, { tracingMode: 'Active' });

    const first = await h.engine.invoke(active, { payload: payload({}), traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?' });
    const second = await h.engine.invoke(active, { payload: payload({}) });
    await h.engine.flush();

    expect(first.sampled).toBe(true);
    expect(first.traceId).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(second.sampled).toBe(false);
    // Decided but not sampled: a Parent all the same, or the X-Ray SDK logs an error per invocation.
    expect(json(second.payload)).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    const { service } = bySegment(h.segments);
    expect(service.parent_id).toBeUndefined();
    expect(h.segments).toHaveLength(2);
  });
});

describe('LambdaSampler', () => {
  it('samples the first request of each second per function, then at the 5 % rate', () => {
    let now = 1_700_000_000_000;
    const randoms = [0.5, 0.01, 0.5];
    const sampler = new LambdaSampler({ now: () => now }, () => randoms.shift() ?? 1);

    const decisions = [sampler.decide('a'), sampler.decide('a'), sampler.decide('a'), sampler.decide('b')];
    now += 1000;
    decisions.push(sampler.decide('a'), sampler.decide('a'));

    expect(decisions).toEqual([true, false, true, true, true, false]);
  });
});
