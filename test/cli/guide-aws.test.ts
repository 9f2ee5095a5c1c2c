/**
 * The guide on the aws target, in a real terminal: it names the account and region, shows the cost
 * estimate and creates nothing without consent. The "AWS" here is an in-process local cloud reached
 * through --endpoint-url, so no real account is touched.
 */
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { shownCommands, Terminal } from './guide-terminal.js';

describe('xray-lab guide --target aws in a real terminal', { timeout: 90_000 }, () => {
  let sb: Sandbox;
  let cloud: LocalCloud;
  let term: Terminal | undefined;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sb = await makeSandbox();
    cloud = await withLocalCloud();
    env = { ...sb.env, AWS_ACCESS_KEY_ID: 'AKIAGUIDETEST0000000', AWS_SECRET_ACCESS_KEY: 'guide-test-secret', AWS_REGION: 'us-east-1' };
  });
  afterAll(async () => {
    await Terminal.closeAll();
    await cloud.close();
    await sb.dispose();
  });

  async function ruleNames(): Promise<string[]> {
    const xray = new XRayClient(clientConfig(cloud));
    const out = await xray.send(new GetSamplingRulesCommand({}));
    xray.destroy();
    return (out.SamplingRuleRecords ?? []).map((r) => r.SamplingRule!.RuleName!);
  }

  it('shows account, region and the cost estimate, and declining creates nothing (exit 2)', async () => {
    term = await Terminal.start(['guide', '--target', 'aws', '--endpoint-url', cloud.endpoint], env);

    const intro = await term.waitFor(/Create the lab's resources in AWS account 000000000000 \(us-east-1\) as you go\?/);
    expect(intro).toMatch(/Target: AWS account 000000000000, region us-east-1/);
    expect(intro).toMatch(/X-Ray, traces recorded: 300 traces \(300 in the free tier\) → \$0\.0000/);
    expect(intro).toMatch(/Estimated total for one walkthrough: \$0\.00\d\d \(about 300 requests, US East list prices\)/);
    expect(intro).toMatch(/always-free tier covers 100,000 traces recorded and 1,000,000 retrieved or scanned per\s+month; after that \$5\.00 and \$0\.50 per million/);
    expect(intro).not.toMatch(/Step 1 of/);
    await term.keys('n', 'Enter');

    expect(await term.exitCode()).toBe(2);
    expect(await term.screen()).toMatch(/Cancelled; nothing was created/);
    expect(await ruleNames()).toEqual(['Default']);
    await term.close();
    term = undefined;
  });

  it('after consent, shows commands for AWS (region, no --endpoint-url) and still asks before each step', async () => {
    term = await Terminal.start(['guide', '--target', 'aws', '--endpoint-url', cloud.endpoint], env);
    await term.waitFor(/as you go\?/);
    await term.keys('y', 'Enter');

    const step1 = await term.waitFor(/^\? Step 1: what now\?/m);
    const cmds = shownCommands(step1);
    expect(cmds.length).toBe(2);
    for (const c of cmds) {
      expect(c.text).toMatch(/--region us-east-1$/);
      expect(c.text).not.toContain('--endpoint-url');
    }
    await term.keys('Down', 'Down', 'Down', 'Enter'); // Quit

    expect(await term.exitCode()).toBe(0);
    expect(await term.screen()).toMatch(/To continue at step 1, run: xray-lab guide --target aws/);
    expect(await ruleNames()).toEqual(['Default']);
  });
});
