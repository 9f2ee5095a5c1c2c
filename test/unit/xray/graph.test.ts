import { describe, it, expect } from 'vitest';
import Database from 'better-sqlite3';
import type { Service } from '@aws-sdk/client-xray';
import { getServiceGraph, getTraceGraph } from '../../../src/local/xray/graph.js';
import { TraceStore } from '../../../src/local/xray/store.js';
import { makeLabTrace, seededRandom, type LabTraceOptions } from '../../../src/local/xray/synthetic.js';

const BASE = 1_718_000_000_000;
const requests: Partial<LabTraceOptions>[] = [{}, {}, {}, { userFound: false }, { dynamoStatus: 400 }, { dynamoStatus: 429 }, { status: 502 }];

function labStore(): { store: TraceStore; ids: string[] } {
  const store = new TraceStore(new Database(':memory:'), { clock: { now: () => BASE } });
  const rnd = seededRandom(5);
  const ids: string[] = [];
  requests.forEach((r, i) => {
    const docs = makeLabTrace({ startMs: BASE + i * 1000, random: rnd, ...r });
    ids.push(JSON.parse(docs[0]).trace_id);
    store.putTraceSegments(docs);
  });
  return { store, ids };
}

// AWS's client node has no Name (xray-api-tutorial.html), so it is labelled by its type alone.
const label = (s: Service) => (s.Type === 'client' ? 'client' : `${s.Name}|${s.Type}`);

function edgesOf(services: Service[]): string[] {
  const byRef = new Map(services.map((s) => [s.ReferenceId, s]));
  return services.flatMap((s) => (s.Edges ?? []).map((e) => `${label(s)} -> ${label(byRef.get(e.ReferenceId)!)}`));
}

describe('getServiceGraph', () => {
  const { store } = labStore();
  const graph = getServiceGraph(store, { StartTime: new Date(BASE - 60_000), EndTime: new Date(BASE + 60_000) });
  const services = graph.Services!;
  const find = (name: string, type: string) => services.find((s) => s.Name === name && s.Type === type)!;

  it('has exactly the five lab nodes and four edges', () => {
    expect(services.map(label).sort()).toEqual([
      'UserProfiles|AWS::DynamoDB::Table', 'client', 'user-api/prod|AWS::ApiGateway::Stage', 'user-service|AWS::Lambda', 'user-service|AWS::Lambda::Function',
    ]);
    expect(edgesOf(services).sort()).toEqual([
      'client -> user-api/prod|AWS::ApiGateway::Stage',
      'user-api/prod|AWS::ApiGateway::Stage -> user-service|AWS::Lambda',
      'user-service|AWS::Lambda -> user-service|AWS::Lambda::Function',
      'user-service|AWS::Lambda::Function -> UserProfiles|AWS::DynamoDB::Table',
    ]);
  });

  it('marks the stage as root, the client and the table as unknown, the rest active', () => {
    const client = services.find((s) => s.Type === 'client')!;
    expect(client).toMatchObject({ State: 'unknown', ReferenceId: 0 });
    expect(client.SummaryStatistics).toBeUndefined();
    // As in AWS's documented GetServiceGraph output: no Name or Names, but the times of its calls.
    expect(client.Name).toBeUndefined();
    expect(client.Names).toBeUndefined();
    expect(client.StartTime).toBeInstanceOf(Date);
    expect(client.EndTime!.getTime()).toBeGreaterThanOrEqual(client.StartTime!.getTime());
    expect(find('user-api/prod', 'AWS::ApiGateway::Stage')).toMatchObject({ Root: true, State: 'active', AccountId: '000000000000' });
    expect(find('user-service', 'AWS::Lambda')).toMatchObject({ Root: false, State: 'active', AccountId: '000000000000' });
    const table = find('UserProfiles', 'AWS::DynamoDB::Table');
    expect(table.State).toBe('unknown');
    expect(table.Root).toBeUndefined();
  });

  it('counts every request once per node and edge, split into ok, error, throttle and fault', () => {
    for (const s of services.filter((x) => x.Type !== 'client')) {
      const st = s.SummaryStatistics!;
      expect(st.TotalCount).toBe(requests.length);
      expect(st.OkCount! + st.ErrorStatistics!.TotalCount! + st.FaultStatistics!.TotalCount!).toBe(st.TotalCount);
      expect(s.ResponseTimeHistogram!.reduce((n, h) => n + h.Count!, 0)).toBe(requests.length);
      for (const e of s.Edges!) expect(e.SummaryStatistics!.TotalCount).toBe(requests.length);
    }
    expect(find('user-api/prod', 'AWS::ApiGateway::Stage').SummaryStatistics).toMatchObject({
      OkCount: 5, ErrorStatistics: { ThrottleCount: 0, OtherCount: 1, TotalCount: 1 }, FaultStatistics: { OtherCount: 1, TotalCount: 1 },
    });
    expect(find('UserProfiles', 'AWS::DynamoDB::Table').SummaryStatistics).toMatchObject({
      OkCount: 5, ErrorStatistics: { ThrottleCount: 1, OtherCount: 1, TotalCount: 2 },
    });
    const toTable = find('user-service', 'AWS::Lambda::Function').Edges![0];
    expect(toTable.SummaryStatistics!.ErrorStatistics).toEqual({ ThrottleCount: 1, OtherCount: 1, TotalCount: 2 });
    expect(toTable.ResponseTimeHistogram!.every((h) => h.Value! > 0.009 && h.Value! < 0.031)).toBe(true);
    expect(services.find((s) => s.Type === 'client')!.Edges![0].SummaryStatistics!.FaultStatistics!.TotalCount).toBe(1);
  });

  it('leaves out traces outside the window and rejects groups', () => {
    const empty = getServiceGraph(store, { StartTime: new Date(BASE + 600_000), EndTime: new Date(BASE + 700_000) });
    expect(empty.Services).toEqual([]);
    expect(() => getServiceGraph(store, { StartTime: new Date(BASE), EndTime: new Date(BASE + 1), GroupName: 'g' })).toThrow(/no groups/);
  });
});

describe('getTraceGraph', () => {
  it('builds the graph of just the requested traces', () => {
    const { store, ids } = labStore();
    const out = getTraceGraph(store, { TraceIds: [ids[3], '1-5f000000-ffffffffffffffffffffffff'] });
    expect(out.Services!).toHaveLength(5);
    const stage = out.Services!.find((s) => s.Type === 'AWS::ApiGateway::Stage')!;
    expect(stage.SummaryStatistics).toMatchObject({ TotalCount: 1, OkCount: 0, ErrorStatistics: { OtherCount: 1 } });
  });
});
