/** The guide without a terminal: it must never wait on a question nobody can answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

describe('xray-lab guide without a terminal', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox();
  });
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it('exits 2 with a message, and starts nothing, when --yes is missing', async () => {
    const r = await sb.run(['guide']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/guide is an interactive walkthrough and needs a terminal.*--yes/);
    expect(r.stdout).toBe('');
    const local = JSON.parse((await sb.run(['local', 'status', '--json'])).stdout);
    expect(local.running).toBe(false);
  });

  it('bare xray-lab prints the help, which lists guide, and exits 0', async () => {
    const r = await sb.run([]);

    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/guide \[options\]\s+the lab step by step in the terminal/);
  });

  it('with --yes runs every step, prints lessons and commands, asks nothing and keeps the resources', async () => {
    const r = await sb.run(['guide', '--yes']);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Step 1 of \d: Sampling rules/);
    expect(r.stdout).toMatch(/\$ aws dynamodb create-table/);
    expect(r.stdout).toMatch(/Check it yourself/);
    expect(r.stdout).not.toMatch(/Quiz/);
    expect(r.stdout).toMatch(/3 resources created by this lab are still in the local cloud\. `xray-lab teardown` deletes them/);
    const status = JSON.parse((await sb.run(['status', '--json'])).stdout);
    expect(status.resources.map((x: { id: string }) => x.id)).toEqual(['xray-lab-high-priority-service', 'xray-lab-user-api-prod', 'UserProfiles']);
  });
});
