import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { withLocalCloud } from '../support/local-cloud.js';
import type { LocalCloud } from '../../src/local/server.js';
import { LAB_MIX, normalise, putLabTraces } from '../unit/traces/lab-traces.js';

interface Summary {
  Id: string;
  HasError?: boolean;
  HasFault?: boolean;
  Http?: { HttpStatus?: number; HttpMethod?: string };
}

describe('xray-lab traces on the local target', () => {
  let sb: Sandbox;
  let cloud: LocalCloud;
  let ids: string[];
  const at = (): string[] => ['--endpoint-url', cloud.endpoint];

  beforeAll(async () => {
    cloud = await withLocalCloud();
    sb = await makeSandbox();
    ids = await putLabTraces(cloud, LAB_MIX);
  });
  afterAll(async () => {
    await cloud.close();
    await sb.dispose();
  });

  it('lists the window\'s traces newest first as the API\'s own JSON', async () => {
    const r = await sb.run(['traces', '--json', ...at()]);

    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { TraceSummaries: Summary[]; TracesProcessedCount?: number };
    expect(doc.TraceSummaries.map((s) => s.Id)).toEqual([...ids].reverse());
    expect(doc.TraceSummaries[0]).toMatchObject({ HasFault: true, Http: { HttpStatus: 502, HttpMethod: 'GET' } });
    expect(Object.keys(doc)).not.toContain('$metadata');
  });

  it('applies --filter and --limit', async () => {
    const [errors, limited] = await Promise.all([
      sb.run(['traces', 'list', '--filter', 'error = true', '--json', ...at()]),
      sb.run(['traces', 'list', '--limit', '3', '--json', ...at()]),
    ]);

    expect(errors.code, errors.stderr).toBe(0);
    const errs = (JSON.parse(errors.stdout) as { TraceSummaries: Summary[] }).TraceSummaries;
    expect(errs.map((s) => s.Http?.HttpStatus)).toEqual([404, 404]);
    expect((JSON.parse(limited.stdout) as { TraceSummaries: Summary[] }).TraceSummaries).toHaveLength(3);
  });

  it('prints a table without colour when not on a terminal', async () => {
    const r = await sb.run(['traces', 'list', ...at()]);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toMatch(/^TRACE ID\s+START\s+DURATION\s+RESPONSE\s+HTTP\s+FLAGS/);
    expect(r.stdout).toContain('12 traces · 2 with errors · 1 with faults · 0 throttled');
  });

  it('says it is waiting, then reports an empty window with exit 0', async () => {
    const r = await sb.run(['traces', '--start', '2020-01-01T00:00:00Z', '--end', '2020-01-01T01:00:00Z', '--wait', '1s', ...at()]);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Waiting for traces to appear in X-Ray \(up to 1 s/);
    expect(r.stdout).toMatch(/^No traces in this time range/);
  });

  it('turns an invalid filter expression into exit 2 with the service\'s position message', async () => {
    const r = await sb.run(['traces', '--filter', 'service(', ...at()]);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/filter expression "service\(" is not valid: .*position/);
    expect(r.stdout).toBe('');
  });

  it('shows one trace as a waterfall (snapshot without ids and timings)', async () => {
    const r = await sb.run(['traces', 'show', ids[0], ...at()]);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('user_processing');
    expect(normalise(r.stdout)).toMatchSnapshot();
  });

  it('prints BatchGetTraces\' shape for show --json', async () => {
    const r = await sb.run(['traces', 'show', ids[11], '--json', ...at()]);

    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { Traces: { Id: string; Segments: { Id: string; Document: string }[] }[]; UnprocessedTraceIds: string[] };
    expect(doc.Traces[0].Id).toBe(ids[11]);
    expect(typeof doc.Traces[0].Segments[0].Document).toBe('string');
    expect(doc.UnprocessedTraceIds).toEqual([]);
  });

  it('says there is no such trace (exit 2) for an unknown id', async () => {
    const r = await sb.run(['traces', 'show', '1-00000001-000000000000000000000000', '--wait', '0', ...at()]);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no trace 1-00000001-000000000000000000000000 .*traces can take a minute to appear on AWS/);
  });

  it('prints the service graph: five nodes and four edges for the lab', async () => {
    const [json, text] = await Promise.all([sb.run(['traces', 'map', '--json', ...at()]), sb.run(['traces', 'map', ...at()])]);

    expect(json.code, json.stderr).toBe(0);
    const services = (JSON.parse(json.stdout) as { Services: { Name?: string; Type: string; Edges?: unknown[] }[] }).Services;
    // The client node has no Name, as in AWS's documented GetServiceGraph output.
    expect(services.map((s) => (s.Name === undefined ? s.Type : `${s.Type}:${s.Name}`)).sort()).toEqual(
      ['AWS::ApiGateway::Stage:user-api/prod', 'AWS::DynamoDB::Table:UserProfiles', 'AWS::Lambda::Function:user-service', 'AWS::Lambda:user-service', 'client'],
    );
    expect(services.flatMap((s) => s.Edges ?? [])).toHaveLength(4);
    expect(text.stdout).toContain('client ─▶ user-api/prod');
  });

  it('names user_processing as the bottleneck', async () => {
    const [r, text] = await Promise.all([sb.run(['traces', 'analyze', '--json', ...at()]), sb.run(['traces', 'analyze', ...at()])]);

    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { TracesAnalyzed: number; Report: { dominant: { name: string }; rootCauses: { kind: string }[] } };
    expect(doc.TracesAnalyzed).toBe(12);
    expect(doc.Report.dominant.name).toBe('user_processing');
    expect(doc.Report.rootCauses.map((c) => c.kind)).toContain('fault');
    expect(text.stdout).toMatch(/^Bottleneck: user_processing in user-service/);
  });
});
