/**
 * The console front end's pure parts, on the renderers' fixtures: the waterfall's tree and flags from
 * BatchGetTraces documents, and the map's nodes, health and click-through filters from GetServiceGraph.
 */
import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../../../src/console/web/graph-layout.js';
import { binsOf, inRange } from '../../../src/console/web/histogram-bins.js';
import { buildWaterfall, parseDocs } from '../../../src/console/web/segments.js';
import type { FullTrace, GraphService } from '../../../src/console/web/api.js';
import { labGraph } from '../render/fixtures/lab-graph.js';
import { labTrace } from '../render/fixtures/lab-trace.js';

const asJson = <T>(v: unknown): T => JSON.parse(JSON.stringify(v)) as T;

describe('waterfall rows', () => {
  it('nests the lab trace as X-Ray does: stage → Lambda → AWS::Lambda → function → … → user_processing → DynamoDB', () => {
    const wf = buildWaterfall(parseDocs(asJson<FullTrace>(labTrace())));

    const byName = (name: string) => wf.rows.filter((r) => r.doc.name === name);
    expect(wf.rows[0]!.doc.origin).toBe('AWS::ApiGateway::Stage');
    expect(wf.rows[0]!.depth).toBe(0);
    const proc = byName('user_processing')[0]!;
    const fn = wf.rows.find((r) => r.doc.origin === 'AWS::Lambda::Function')!;
    expect(proc.depth).toBeGreaterThan(fn.depth);
    expect(wf.rows.find((r) => r.doc.inferred)?.segment).toBe(true);
    // Every row lies inside the trace's time axis.
    for (const r of wf.rows) expect(r.offset + r.duration).toBeLessThanOrEqual(wf.duration + 1e-9);
  });

  it('colours a row by its worst flag, then by its HTTP status', () => {
    const fault = buildWaterfall(parseDocs(asJson<FullTrace>(labTrace({ outcome: 'fault' }))));
    const notFound = buildWaterfall(parseDocs(asJson<FullTrace>(labTrace({ outcome: 'notFound' }))));
    const throttle = buildWaterfall(parseDocs(asJson<FullTrace>(labTrace({ outcome: 'throttle' }))));

    expect(fault.rows[0]!.health).toBe('fault');
    expect(notFound.rows[0]!.health).toBe('error');
    // A throttled DynamoDB call: the table's call is the throttle; the request as a whole failed (5xx).
    expect(throttle.rows.filter((r) => r.health === 'throttle').map((r) => r.doc.name)).toContain('DynamoDB');
    expect(throttle.rows[0]!.health).toBe('fault');
  });
});

describe('service map model', () => {
  it("lays out the lab's 5 nodes and 4 edges, calls the nameless entry node client, and links each to X-Ray's filter", () => {
    const services = asJson<GraphService[]>(labGraph()).map((s) => (s.Type === 'client' ? { ...s, Name: undefined, Names: [] } : s));

    const m = layoutGraph(services);

    expect(m.nodes.map((n) => n.name).sort()).toEqual(['UserProfiles', 'client', 'user-api/prod', 'user-service', 'user-service']);
    expect(m.edges).toHaveLength(4);
    const fn = m.nodes.find((n) => n.type === 'AWS::Lambda::Function')!;
    expect(fn.filter).toBe('service(id(name: "user-service", type: "AWS::Lambda::Function"))');
    expect(m.nodes.find((n) => n.client)!.filter).toBe('');
    const toTable = m.edges.find((e) => e.to.name === 'UserProfiles')!;
    expect(toTable.filter).toBe('edge(id(name: "user-service", type: "AWS::Lambda::Function"), id(name: "UserProfiles", type: "AWS::DynamoDB::Table"))');
    expect(m.nodes.find((n) => n.name === 'UserProfiles')!.inferred).toBe(true);
    // The stage: 12 requests, 2 errors (4xx) and 1 fault.
    expect(m.nodes.find((n) => n.type === 'AWS::ApiGateway::Stage')!.health).toMatchObject({ total: 12, ok: 9, error: 2, fault: 1, throttle: 0 });
    // Left to right: each edge goes to a node further right.
    for (const e of m.edges) expect(e.to.x).toBeGreaterThan(e.from.x);
  });
});

describe('histogram bins', () => {
  it('puts every value in one of 20 bars, the maximum in the last, and selects by range', () => {
    const values = [0.01, 0.02, 0.1, 0.2];
    const b = binsOf(values);

    expect(b.counts.reduce((a, n) => a + n, 0)).toBe(values.length);
    expect(b.counts[19]).toBe(1);
    // Bars are 0.01 s wide: 0.01 is in bar 1, 0.02 in bar 2.
    expect(values.filter((v) => inRange(b, { from: 0, to: 1 }, v))).toEqual([0.01]);
    expect(values.filter((v) => inRange(b, { from: 2, to: 0 }, v))).toEqual([0.01, 0.02]);
    expect(values.filter((v) => inRange(b, { from: 19, to: 19 }, v))).toEqual([0.2]);
  });
});
