/**
 * Issue 18's "done when", through the real CLI: `setup --yes --instrumentation otel`, then `load`, then
 * `traces analyze` gives the X-Ray SDK path's lesson (user_processing dominates, five nodes, no partial
 * traces); the choice is in the state file and in `status`; `traces show` says OpenTelemetry recorded the
 * handler's subsegments; switching back to the X-Ray SDK re-deploys the code.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { localCliTest as it } from '../support/fixtures.js';

describe('xray-lab with --instrumentation otel on the local target', () => {

  it('refuses an unknown instrumentation with exit 2 and one line naming the choices', async ({ box: sb }) => {
    const r = await sb.run(['setup', '--yes', '--instrumentation', 'jaeger']);

    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^.*--instrumentation "jaeger" is not one the lab offers; choose xray-sdk or otel\.$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('setup deploys the OpenTelemetry handler and records the choice; status shows it', async ({ box: sb }) => {
    const r = await sb.run(['setup', '--yes', '--json', '--instrumentation', 'otel']);

    expect(r.code, r.stderr).toBe(0);
    const step3 = JSON.parse(r.stdout).steps[2];
    expect(step3.details).toMatchObject({ instrumentation: 'otel', tracing: 'Active' });
    expect(step3.notes.join(' ')).toMatch(/OTLP over UDP/);
    const state = JSON.parse(await readFile(join(sb.stateDir, (await readdir(sb.stateDir)).find((f) => f.endsWith('.json'))!), 'utf8'));
    expect(state.resources.find((x: { type: string }) => x.type === 'lambda:Function').extra.instrumentation).toBe('otel');

    const status = await sb.run(['status', '--json']);
    expect(JSON.parse(status.stdout).instrumentation).toBe('otel');
    expect((await sb.run(['status'])).stdout).toContain('Function user-service is traced with OpenTelemetry (otel)');
  });

  it('load, then traces analyze, gives the X-Ray SDK path\'s lesson from complete traces', async ({ box: sb }) => {
    const load = await sb.run(['load', '--requests', '30', '--concurrency', '4', '--json']);
    expect(load.code, load.stderr).toBe(0);
    expect(JSON.parse(load.stdout).errors).toBe(0);

    const r = await sb.run(['traces', 'analyze', '--json', '--wait', '20s']);
    expect(r.code, r.stderr).toBe(0);
    const { Report } = JSON.parse(r.stdout);
    expect(Report.traceCount).toBeGreaterThan(0);
    expect(Report.partialTraces).toBe(0);
    expect(Report.dominant.name).toBe('user_processing');
    expect(Report.nodes.map((n: { name: string; type: string }) => `${n.name}|${n.type}`).sort()).toEqual(
      expect.arrayContaining(['UserProfiles|AWS::DynamoDB::Table', 'user-api/prod|AWS::ApiGateway::Stage', 'user-service|AWS::Lambda', 'user-service|AWS::Lambda::Function']),
    );

    const missing = await sb.run(['traces', 'list', '--filter', 'annotation.user_found = false', '--json']);
    const ids = JSON.parse(missing.stdout).TraceSummaries.map((t: { Id: string }) => t.Id);
    expect(ids.length).toBeGreaterThan(0);
    const show = await sb.run(['traces', 'show', ids[0]]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/user_processing via OpenTelemetry/);
    expect(show.stdout).toMatch(/DynamoDB aws, via OpenTelemetry/);
    expect(show.stdout).toContain('user_found=false');
  });

  it('step 3 without the flag keeps OpenTelemetry; with --instrumentation xray-sdk it re-deploys the code', async ({ box: sb }) => {
    const keep = await sb.run(['step', '3', '--json']);
    expect(keep.code, keep.stderr).toBe(0);
    expect(JSON.parse(keep.stdout).steps[0].details).toMatchObject({ instrumentation: 'otel' });
    expect(JSON.parse(keep.stdout).steps[0].details.updated ?? []).not.toContain('code');

    const back = await sb.run(['step', '3', '--json', '--instrumentation', 'xray-sdk']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout).steps[0].details).toMatchObject({ instrumentation: 'xray-sdk', updated: ['code'] });
    expect(JSON.parse((await sb.run(['status', '--json'])).stdout).instrumentation).toBe('xray-sdk');
  });
});
