/** The guide without a terminal: it must never wait on a question nobody can answer. */
import { describe, expect } from 'vitest';
import { localCliTest as it } from '../support/fixtures.js';

describe('xray-lab guide without a terminal', () => {

  it('exits 2 with a message, and starts nothing, when --yes is missing', async ({ box: sb }) => {
    const r = await sb.run(['guide']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/guide is an interactive walkthrough and needs a terminal.*--yes/);
    expect(r.stdout).toBe('');
    const local = JSON.parse((await sb.run(['local', 'status', '--json'])).stdout);
    expect(local.running).toBe(false);
  });

  it('bare xray-lab prints the help, which lists guide, and exits 0', async ({ box: sb }) => {
    const r = await sb.run([]);

    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/guide \[options\]\s+the lab step by step in the terminal/);
  });

  it('with --yes runs all six steps, prints lessons and commands, asks nothing and keeps the resources', { timeout: 60_000 }, async ({ box: sb }) => {
    // A one-second load keeps step 5 short (XRAY_LAB_GUIDE_LOAD_SECONDS, the guide's test knob).
    const r = await sb.run(['guide', '--yes'], { XRAY_LAB_GUIDE_LOAD_SECONDS: '1' });

    expect(r.code, r.stderr).toBe(0);
    for (const title of ['Sampling rules', 'DynamoDB table', 'IAM role and traced Lambda', 'REST API with X-Ray stage tracing', 'Test requests and load', 'Analyse traces']) {
      expect(r.stdout).toMatch(new RegExp(`Step \\d of 6: ${title}`));
    }
    expect([...r.stderr.matchAll(/Checked step (\d) against the real service/g)].map((m) => m[1])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(r.stdout).toMatch(/\$ aws lambda create-function/);
    expect(r.stdout).toMatch(/--patch-operations op=replace,path=\/tracingEnabled,value=true/);
    expect(r.stdout).toMatch(/Check it yourself/);
    // Steps 5 and 6 offer the console: "see the map you just made".
    expect([...r.stdout.matchAll(/See it in the browser[\s\S]*?\$ xray-lab console\n/g)]).toHaveLength(2);
    expect(r.stdout).toMatch(/See the map you just made/);
    expect(r.stdout).not.toMatch(/Quiz/);
    const status = JSON.parse((await sb.run(['status', '--json'])).stdout);
    const ids = status.resources.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['xray-lab-user-api-prod', 'UserProfiles', 'XRayLambdaRole', 'user-service']));
    expect(r.stdout).toMatch(new RegExp(`${ids.length} resources created by this lab are still in the local cloud\\. \`xray-lab teardown\` deletes them`));
  });
});
