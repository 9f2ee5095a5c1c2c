import { describe, it, expect } from 'vitest';
import Database from 'better-sqlite3';
import { batchGetTraces, getTraceSummaries } from '../../../src/local/xray/summaries.js';
import { TraceStore } from '../../../src/local/xray/store.js';
import { makeLabTrace, seededRandom } from '../../../src/local/xray/synthetic.js';
import { BASE_MS, fixtureStore, letterOf, traceIdOf } from './fixtures.js';

const window = { StartTime: new Date(BASE_MS - 60_000), EndTime: new Date(BASE_MS + 600_000) };

describe('getTraceSummaries', () => {
  const store = fixtureStore();

  it('returns every trace in the window, newest first, without a NextToken', () => {
    const out = getTraceSummaries(store, window);
    expect(out.TraceSummaries!.map((s) => letterOf(s.Id!)).join('')).toBe('GFEDCBA');
    expect(out.NextToken).toBeUndefined();
    expect(out.TracesProcessedCount).toBe(7);
  });

  it('fills the summary of a successful lab request', () => {
    const [a] = getTraceSummaries(store, { ...window, FilterExpression: 'user = "alice"' }).TraceSummaries!;
    const fn = { Name: 'user-service', Names: ['user-service'], AccountId: '111111111111', Type: 'AWS::Lambda::Function' };

    expect(a.Id).toBe(traceIdOf('A'));
    expect(a.StartTime).toEqual(new Date(BASE_MS));
    expect(a).toMatchObject({ HasError: false, HasFault: false, HasThrottle: false, IsPartial: false, Revision: 5 });
    expect(a.ResponseTime).toBeGreaterThan(0.3);
    expect(a.Duration).toBeCloseTo(a.ResponseTime!, 6);
    expect(a.Http).toEqual({ HttpURL: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/users/user123', HttpStatus: 200, HttpMethod: 'GET', UserAgent: 'xray-lab-load/1.0', ClientIp: '127.0.0.1' });
    expect(a.Annotations!.user_found).toEqual([{ AnnotationValue: { BooleanValue: true }, ServiceIds: [fn] }]);
    expect(a.Annotations!['aws:api_stage'][0].AnnotationValue).toEqual({ StringValue: 'prod' });
    expect(a.Users).toEqual([{ UserName: 'alice', ServiceIds: [fn] }]);
    expect(a.ServiceIds!.map((s) => `${s.Name}|${s.Type}`)).toEqual(['user-api/prod|AWS::ApiGateway::Stage', 'user-service|AWS::Lambda', 'user-service|AWS::Lambda::Function', 'UserProfiles|AWS::DynamoDB::Table']);
    expect(a.ResourceARNs!.map((r) => r.ARN)).toEqual(['arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod', 'arn:aws:lambda:us-east-1:111111111111:function:user-service']);
    expect(a.EntryPoint).toMatchObject({ Name: 'user-api/prod', Type: 'AWS::ApiGateway::Stage' });
    expect(a.FaultRootCauses).toEqual([]);
    expect(a.ResponseTimeRootCauses![0].Services!.at(-1)!.EntityPath!.map((e) => e.Name)).toEqual(['user-service', 'Initialization']);
  });

  it('reports one annotation entry per distinct value', () => {
    const out = getTraceSummaries(store, { ...window, FilterExpression: 'annotation.user_found' });
    const values = out.TraceSummaries!.map((s) => s.Annotations!.user_found.map((v) => v.AnnotationValue!.BooleanValue));
    expect(values.flat().sort()).toEqual([false, true, true, true, true, true]);
  });

  it('names the failing path of a crashed function in FaultRootCauses', () => {
    const [c] = getTraceSummaries(store, { ...window, FilterExpression: 'fault' }).TraceSummaries!;
    expect(c.HasFault).toBe(true);
    expect(c.FaultRootCauses![0].ClientImpacting).toBe(true);
    const last = c.FaultRootCauses![0].Services!.at(-1)!;
    expect(last).toMatchObject({ Name: 'user-service', Type: 'AWS::Lambda::Function' });
    expect(last.EntityPath!.map((e) => e.Name)).toEqual(['user-service', 'Invocation', 'user_processing']);
    expect(last.EntityPath![0].Exceptions).toEqual([{ Name: 'Error', Message: 'handler crashed' }]);
  });

  it('marks a handled downstream error as an error root cause that did not reach the client', () => {
    const [e] = getTraceSummaries(store, { ...window, FilterExpression: 'service("UserProfiles") { error } !throttle' }).TraceSummaries!;
    expect(e.HasError).toBe(false);
    expect(e.ErrorRootCauses![0]).toMatchObject({ ClientImpacting: false });
    expect(e.ErrorRootCauses![0].Services!.at(-1)).toMatchObject({ Name: 'UserProfiles', Inferred: true });
  });

  it('selects by trace-id time by default and by end time or activity on request', () => {
    const narrow = { StartTime: new Date(BASE_MS + 25_000), EndTime: new Date(BASE_MS + 45_000) };
    expect(getTraceSummaries(store, narrow).TraceSummaries!.map((s) => letterOf(s.Id!)).join('')).toBe('ED');
    expect(getTraceSummaries(store, { ...narrow, TimeRangeType: 'Service' }).TraceSummaries!.map((s) => letterOf(s.Id!)).join('')).toBe('ED');
    const ev = getTraceSummaries(store, { StartTime: new Date(BASE_MS + 51_000), EndTime: new Date(BASE_MS + 52_000), TimeRangeType: 'Event' });
    expect(ev.TraceSummaries!.map((s) => letterOf(s.Id!))).toEqual(['F']);
    expect(ev.TraceSummaries![0].MatchedEventTime).toEqual(new Date(BASE_MS + 51_000));
  });

  it('rejects a bad filter, a reversed window and an unknown TimeRangeType', () => {
    expect(() => getTraceSummaries(store, { ...window, FilterExpression: 'error = 3' })).toThrow(/position 8/);
    expect(() => getTraceSummaries(store, { StartTime: window.EndTime, EndTime: window.StartTime })).toThrow(/EndTime/);
    expect(() => getTraceSummaries(store, { ...window, TimeRangeType: 'Bogus' as 'Event' })).toThrow(/TimeRangeType/);
    expect(() => getTraceSummaries(store, { ...window, NextToken: 'garbage!' })).toThrow(/NextToken/);
  });

  it('pages through many traces with an opaque NextToken', () => {
    const big = new TraceStore(new Database(':memory:'), { clock: { now: () => BASE_MS } });
    const rnd = seededRandom(42);
    for (let i = 0; i < 250; i++) big.putTraceSegments(makeLabTrace({ startMs: BASE_MS + i * 100, random: rnd }));
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    do {
      const page = getTraceSummaries(big, { ...window, NextToken: token });
      sizes.push(page.TraceSummaries!.length);
      seen.push(...page.TraceSummaries!.map((s) => s.Id!));
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(seen).size).toBe(250);
    const starts = seen.map((id) => big.get(id)!.start);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
  });

  it('returns a stable subset when Sampling is on', () => {
    const big = new TraceStore(new Database(':memory:'), { clock: { now: () => BASE_MS } });
    const rnd = seededRandom(9);
    for (let i = 0; i < 400; i++) big.putTraceSegments(makeLabTrace({ startMs: BASE_MS + i * 100, random: rnd }));
    const input = { ...window, Sampling: true, SamplingStrategy: { Name: 'FixedRate' as const, Value: 0.25 } };
    const all = (): string[] => {
      const ids: string[] = [];
      let token: string | undefined;
      do {
        const page = getTraceSummaries(big, { ...input, NextToken: token });
        ids.push(...page.TraceSummaries!.map((s) => s.Id!));
        token = page.NextToken;
      } while (token);
      return ids;
    };
    const first = all();
    expect(first.length).toBeGreaterThan(60);
    expect(first.length).toBeLessThan(140);
    expect(all()).toEqual(first);
  });
});

describe('batchGetTraces', () => {
  const store = fixtureStore();

  it('returns processed documents per segment and lists unknown ids', () => {
    const unknown = '1-5f000000-ffffffffffffffffffffffff';
    const out = batchGetTraces(store, { TraceIds: [traceIdOf('B'), unknown] });
    expect(out.NextToken).toBeUndefined();
    expect(out.UnprocessedTraceIds).toEqual([unknown]);
    const [t] = out.Traces!;
    expect(t.Id).toBe(traceIdOf('B'));
    expect(t.LimitExceeded).toBe(false);
    expect(t.Duration).toBeGreaterThan(0.1);
    const docs = t.Segments!.map((s) => JSON.parse(s.Document!));
    // As on AWS (xray-api-gettingdata.html): the inferred segment is named DynamoDB; its node, the table.
    expect(docs.map((d) => d.name)).toEqual(['user-api/prod', 'user-service', 'user-service', 'DynamoDB']);
    expect(t.Segments!.map((s) => s.Id)).toEqual(docs.map((d) => d.id));
    expect(docs[3].inferred).toBe(true);
  });

  it('refuses more than five ids and any NextToken, with the real messages', () => {
    const six = ['A', 'B', 'C', 'D', 'E', 'F'].map((l) => traceIdOf(l as 'A'));
    expect(() => batchGetTraces(store, { TraceIds: six })).toThrow('Exceeding maximum query size: 5');
    expect(() => batchGetTraces(store, { TraceIds: [traceIdOf('A')], NextToken: 'x' })).toThrow('NextToken is currently not supported');
  });
});
