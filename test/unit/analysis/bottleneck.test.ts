import { describe, it, expect } from 'vitest';
import type { Trace } from '@aws-sdk/client-xray';
import { analyzeTraces, coveredLength } from '../../../src/lab/analysis/bottleneck.js';
import { buildSpanTree } from '../../../src/lab/analysis/span-tree.js';
import { percentiles } from '../../../src/lab/analysis/percentiles.js';
import { labTrace } from '../render/fixtures/lab-trace.js';

const doc = (d: object) => ({ Id: (d as { id: string }).id, Document: JSON.stringify(d) });

describe('buildSpanTree', () => {
  it('nests the lab trace API GW → Lambda → AWS::Lambda → function → Invocation → user_processing → DynamoDB → table', () => {
    // Arrange
    const trace = labTrace({ coldStart: true });
    // Act
    const tree = buildSpanTree(trace);
    // Assert
    const chain: string[] = [];
    let s = tree.roots[0];
    while (s) {
      chain.push(`${s.displayName}${s.origin ? `[${s.origin}]` : ''}`);
      s = s.children.find((c) => c.name !== 'Initialization' && c.name !== 'Overhead')!;
    }
    expect(tree.roots).toHaveLength(1);
    expect(tree.partial).toBe(false);
    expect(chain).toEqual([
      'user-api/prod[AWS::ApiGateway::Stage]', 'Lambda[aws]', 'user-service[AWS::Lambda]',
      'user-service[AWS::Lambda::Function]', 'Invocation', 'user_processing', 'DynamoDB[aws]', 'UserProfiles[AWS::DynamoDB::Table]',
    ]);
  });

  it('marks a trace partial when a parent is missing or a segment is in progress', () => {
    const orphan = { Id: 't', Segments: [doc({ id: 'aaaaaaaaaaaaaaaa', name: 'x', parent_id: 'ffffffffffffffff', start_time: 1, end_time: 2 })] };
    const pending = { Id: 't', Segments: [doc({ id: 'aaaaaaaaaaaaaaaa', name: 'x', start_time: 1, in_progress: true })] };
    expect(buildSpanTree(orphan).partial).toBe(true);
    expect(buildSpanTree(pending).partial).toBe(true);
    expect(buildSpanTree(pending).roots[0].inProgress).toBe(true);
  });

  it('links raw independent subsegments by parent_id', () => {
    const seg = doc({ id: '1111111111111111', name: 'svc', start_time: 1, end_time: 2 });
    const sub = doc({ id: '2222222222222222', type: 'subsegment', parent_id: '1111111111111111', trace_id: 't', name: 'work', start_time: 1.1, end_time: 1.5 });
    const tree = buildSpanTree({ Id: 't', Segments: [sub, seg] });
    expect(tree.roots).toHaveLength(1);
    expect(tree.roots[0].children.map((c) => c.name)).toEqual(['work']);
    expect(tree.roots[0].children[0].segment).toBe(tree.roots[0]);
  });
});

describe('coveredLength', () => {
  it('counts overlapping (concurrent) children once and clips to the parent', () => {
    expect(coveredLength([{ start: 0, end: 4 }, { start: 2, end: 6 }, { start: 8, end: 12 }], 0, 10)).toBe(8);
    expect(coveredLength([], 0, 10)).toBe(0);
  });
});

describe('percentiles', () => {
  it('uses nearest rank on the recorded samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100 reversed
    expect(percentiles(samples)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(percentiles([7])).toEqual({ count: 1, p50: 7, p90: 7, p99: 7, max: 7 });
    expect(percentiles([]).count).toBe(0);
  });
});

describe('analyzeTraces', () => {
  const labTraces = (): Trace[] => [
    labTrace({ n: 1, coldStart: true }),
    ...Array.from({ length: 8 }, (_, i) => labTrace({ n: i + 2, dynamoMs: 5 + i })),
    labTrace({ n: 20, outcome: 'notFound', userId: 'nonexistent' }),
  ];

  it('finds user_processing self time dominant on lab-like traces', () => {
    const report = analyzeTraces(labTraces());
    expect(report.dominant?.name).toBe('user_processing');
    expect(report.dominant?.kind).toBe('subsegment');
    expect(report.dominant?.node).toBe('user-service');
    // ~103 ms of a ~124 ms response (the cold start adds to the total, not to user_processing)
    expect(report.dominant!.sharePct).toBeGreaterThan(60);
    expect(report.dominant!.meanSelfMs).toBeCloseTo(103, 0);
    const dynamo = report.entries.find((e) => e.node === 'UserProfiles')!;
    expect(dynamo.selfMs).toBeLessThan(report.dominant!.selfMs);
    expect(report.traceCount).toBe(10);
    expect(report.partialTraces).toBe(0);
  });

  it('reports per-node latency percentiles', () => {
    const report = analyzeTraces(labTraces());
    const table = report.nodes.find((n) => n.name === 'UserProfiles' && n.type === 'AWS::DynamoDB::Table')!;
    expect(table.count).toBe(10);
    expect(table.max).toBeCloseTo(12, 6); // dynamoMs 5..12
    expect(table.p50).toBeCloseTo(8, 6); // samples 8,5,6,7,8,9,10,11,12,8 → sorted 5,6,7,8,8,8,9,...
    const gw = report.nodes.find((n) => n.type === 'AWS::ApiGateway::Stage')!;
    expect(gw.errors).toBe(1);
    expect(report.responseTimeMs.count).toBe(10);
  });

  it('groups error and fault root causes with exception messages', () => {
    const traces = [
      labTrace({ n: 1, outcome: 'fault' }), labTrace({ n: 2, outcome: 'fault' }),
      labTrace({ n: 3, outcome: 'notFound' }), labTrace({ n: 4, outcome: 'throttle' }), labTrace({ n: 5 }),
    ];
    const report = analyzeTraces(traces);
    expect(report.rootCauses.map((c) => [c.kind, c.node, c.path.join('>'), c.count])).toEqual([
      ['fault', 'UserProfiles', '', 2],
      ['error', 'user-api/prod', '', 1],
      ['throttle', 'UserProfiles', '', 1],
    ]);
    expect(report.rootCauses[0].exceptions).toEqual([{ type: 'InternalServerError', message: 'Internal server error', count: 2 }]);
    expect(report.rootCauses[0].httpStatuses).toEqual([500]);
    expect(report.rootCauses[1].httpStatuses).toEqual([404]);
  });

  it('subtracts concurrent children once and survives partial traces', () => {
    const seg = doc({
      id: '1111111111111111', name: 'svc', origin: 'AWS::EC2::Instance', start_time: 0, end_time: 1,
      subsegments: [
        { id: '2222222222222222', name: 'a', start_time: 0.1, end_time: 0.6 },
        { id: '3333333333333333', name: 'b', start_time: 0.2, end_time: 0.7 },
      ],
    });
    const orphan = doc({ id: '4444444444444444', name: 'lost', parent_id: '9999999999999999', start_time: 0, end_time: 0.5 });
    const report = analyzeTraces([{ Id: 'x', Segments: [seg] }, { Id: 'y', Segments: [orphan] }]);
    const svc = report.entries.find((e) => e.key === 'svc (AWS::EC2::Instance)')!;
    expect(svc.selfMs).toBeCloseTo(400, 6); // 1000 − union(100..700)
    expect(report.partialTraces).toBe(1);
    expect(analyzeTraces([{ Id: 'y', Segments: [orphan] }], { skipPartial: true }).entries).toEqual([]);
    expect(analyzeTraces([]).dominant).toBeNull();
  });
});
