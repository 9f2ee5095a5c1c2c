import { describe, it, expect } from 'vitest';
import { Chalk } from 'chalk';
import { renderWaterfall, barCells } from '../../../src/cli/render/waterfall.js';
import { renderTraceTable } from '../../../src/cli/render/trace-table.js';
import { renderServiceMap } from '../../../src/cli/render/service-map.js';
import { renderAnalysis } from '../../../src/cli/render/analysis.js';
import { stripAnsi, visibleWidth } from '../../../src/cli/render/text.js';
import { analyzeTraces } from '../../../src/lab/analysis/bottleneck.js';
import { labSummary, labTrace } from './fixtures/lab-trace.js';
import { labGraph, stats } from './fixtures/lab-graph.js';
import { describeGraph } from '../../../steps/traces-text.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const ESC = '\u001b[';

describe('renderWaterfall', () => {
  const trace = labTrace({ coldStart: true });

  it('matches the snapshot (ANSI stripped)', () => {
    expect(stripAnsi(renderWaterfall(labTrace({ outcome: 'fault' }), { chalk: colour, width: 110 }))).toMatchSnapshot();
  });

  it('nests every span under its parent with indentation and fits the width', () => {
    const out = renderWaterfall(trace, { chalk: plain, width: 120 });
    const rows = out.split('\n');
    const indentOf = (name: string) => rows.find((r) => r.trimStart().startsWith(name))!.search(/\S/);
    expect(['user-api/prod', 'Lambda', 'user-service AWS::Lambda ', 'user-service AWS::Lambda::Function', 'Invocation', 'user_processing', 'DynamoDB aws', 'UserProfiles'].map(indentOf))
      .toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(indentOf('Initialization')).toBe(8);
    expect(rows.every((r) => visibleWidth(r) <= 120)).toBe(true);
    expect(renderWaterfall(trace, { chalk: plain, width: 200 })).toContain('UserProfiles AWS::DynamoDB::Table, inferred');
    expect(out).toContain('↳ service=user-service operation=GET user_found=true');
  });

  it('places bars on one time axis: later spans start further right', () => {
    const rows = renderWaterfall(trace, { chalk: plain, width: 120 }).split('\n');
    const barStart = (name: string) => rows.find((r) => r.trimStart().startsWith(name))!.indexOf('█');
    const order = ['user-api/prod', 'Initialization', 'Invocation', 'DynamoDB aws', 'Overhead'].map(barStart);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it('gives a tiny span at least one cell', () => {
    expect(barCells(5, 5, 0, 1000, 40)).toEqual([0, 1]);
    expect(barCells(999.9, 1000, 0, 1000, 40)).toEqual([39, 40]);
    expect(barCells(0, 1000, 0, 1000, 40)).toEqual([0, 40]);
  });

  it('colours by status when level > 0 and not at level 0', () => {
    const coloured = renderWaterfall(labTrace({ outcome: 'fault' }), { chalk: colour, width: 110 });
    expect(coloured).toContain(`${ESC}31m`); // red fault
    expect(coloured).toContain(`${ESC}32m`); // green ok
    expect(coloured).toContain('✗ InternalServerError: Internal server error');
    expect(renderWaterfall(labTrace({ outcome: 'throttle' }), { chalk: colour, width: 110 })).toContain(`${ESC}35m`); // purple throttle
    expect(renderWaterfall(labTrace({ outcome: 'notFound' }), { chalk: colour, width: 110 })).toContain(`${ESC}33m`); // yellow error
    expect(renderWaterfall(trace, { chalk: plain, width: 110 })).not.toContain(ESC);
  });

  it('says so when the trace has no segments', () => {
    expect(renderWaterfall({ Id: '1-66670000-000000000000000000000009', Segments: [] }, { chalk: plain, width: 80 })).toMatch(/no segments yet/);
  });
});

describe('renderTraceTable', () => {
  const summaries = [
    labSummary({ n: 1 }),
    labSummary({ n: 2, outcome: 'notFound', userId: 'nonexistent', t0: 1718000001.5 }),
    labSummary({ n: 3, outcome: 'fault', t0: 1718000003 }),
  ];

  it('matches the snapshot (ANSI stripped)', () => {
    expect(stripAnsi(renderTraceTable(summaries, { chalk: colour, width: 160, timeZone: 'UTC' }))).toMatchSnapshot();
  });

  it('shows the full URL when there is room and only the path when not', () => {
    const wide = renderTraceTable(summaries.slice(0, 1), { chalk: plain, width: 300, timeZone: 'UTC' });
    expect(wide).toContain('GET 200 https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/users/user123');
    const narrow = renderTraceTable(summaries, { chalk: plain, width: 140, timeZone: 'UTC' });
    expect(narrow).toContain('GET 404 /prod/users/nonexistent');
    expect(narrow).not.toContain('https://');
  });

  it('fits any width by shrinking then dropping columns, keeping whole trace ids', () => {
    for (const width of [60, 90, 120, 200]) {
      const lines = renderTraceTable(summaries, { chalk: colour, width, timeZone: 'UTC' }).split('\n');
      expect(lines.slice(0, -1).every((l) => visibleWidth(l) <= width)).toBe(true);
      expect(lines[1]).toContain('1-66670000-000000000000000000000001');
    }
  });

  it('shows start in the given zone, flags and compact annotations', () => {
    const out = renderTraceTable(summaries, { chalk: plain, width: 220, timeZone: 'UTC' });
    expect(out).toContain('06:13:21.500');
    expect(out).toMatch(/error\s+operation=GET service=user-service user_found=false/);
    expect(out).toContain('fault');
  });

  it('prints a helpful line for no traces', () => {
    expect(renderTraceTable([], { chalk: plain, width: 80 })).toMatch(/No traces in this time range/);
  });
});

describe('renderServiceMap', () => {
  it('matches the snapshot (ANSI stripped)', () => {
    expect(stripAnsi(renderServiceMap(labGraph(), { chalk: colour, width: 100 }))).toMatchSnapshot();
  });

  it('walks from the client in call order and lists edges with their own statistics', () => {
    const out = renderServiceMap(labGraph(), { chalk: plain, width: 100 });
    const order = ['client', 'user-api/prod [', 'user-service [AWS::Lambda]', 'user-service [AWS::Lambda::Function]', 'UserProfiles ['].map((s) => out.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toContain('user-api/prod ─▶ user-service (AWS::Lambda)  (12 req, avg 124 ms, 2 err, 1 fault)');
    expect(out).toContain('12 req · avg 128 ms · err 16.7% · fault 8.3% · throttle 0.0%');
  });

  it('names the client node, which has no Name on AWS, "client" (traces map and step 6 alike)', () => {
    const map = renderServiceMap(labGraph(), { chalk: plain, width: 100 });
    expect(map).toContain('client ─▶ user-api/prod');
    expect(map).not.toContain('undefined');
    const step6 = describeGraph(labGraph());
    expect(step6).toContain('client → user-api/prod (AWS::ApiGateway::Stage)');
    expect(step6).not.toContain('undefined');
  });

  it('colours health: red for faults, green for healthy', () => {
    const out = renderServiceMap(labGraph(), { chalk: colour, width: 100 });
    expect(out).toContain(`${ESC}31mUserProfiles`);
    expect(out).toContain(`${ESC}32muser-service`);
    expect(renderServiceMap(labGraph(), { chalk: plain, width: 100 })).not.toContain(ESC);
  });

  it('draws branches and joins in a branching graph', () => {
    const g = labGraph();
    g.find((s) => s.ReferenceId === 3)!.Edges!.push({ ReferenceId: 5, SummaryStatistics: stats(3, 0.02) });
    g.push({ ReferenceId: 5, Name: 'audit-queue', Type: 'AWS::SQS::Queue', SummaryStatistics: stats(3, 0.02), Edges: [{ ReferenceId: 4, SummaryStatistics: stats(3, 0.01) }] });
    const out = renderServiceMap(g, { chalk: plain, width: 100 });
    expect(out).toMatch(/├─▶ ● UserProfiles/);
    expect(out).toMatch(/└─▶ ● audit-queue/);
    expect(out).toContain('UserProfiles (see above)');
    expect(out).toContain('audit-queue ─▶ UserProfiles  (3 req, avg 10.0 ms)');
  });

  it('explains an empty graph', () => {
    expect(renderServiceMap([], { chalk: plain, width: 80 })).toMatch(/No services/);
  });
});

describe('renderAnalysis', () => {
  const traces = [labTrace({ n: 1 }), labTrace({ n: 2, dynamoMs: 12 }), labTrace({ n: 3, outcome: 'notFound' }), labTrace({ n: 4, outcome: 'fault' })];

  it('matches the snapshot (ANSI stripped)', () => {
    expect(stripAnsi(renderAnalysis(analyzeTraces(traces), { chalk: colour, width: 110 }))).toMatchSnapshot();
  });

  it('leads with the dominant entry and lists root causes with exceptions', () => {
    const out = renderAnalysis(analyzeTraces(traces), { chalk: plain, width: 110 });
    expect(out.split('\n')[0]).toMatch(/^Bottleneck: user_processing in user-service \(AWS::Lambda::Function\): \d+\.\d% of response time/);
    expect(out).toContain('InternalServerError: Internal server error (×1)');
    expect(out).toMatch(/error\s+×1 in 1 trace {2}user-api\/prod \(AWS::ApiGateway::Stage\) HTTP 404/);
    expect(renderAnalysis(analyzeTraces([]), { chalk: plain, width: 80 })).toMatch(/No traces to analyse/);
  });
});
