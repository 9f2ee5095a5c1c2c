/**
 * The walkthrough end to end in a real terminal (tmux) on the local target: run step 1, look at the
 * details, quit; Ctrl-C at a prompt; resume at step 2 and finish; answer the quiz; tear down. After each
 * step the resources are checked with SDK clients, and every AWS CLI command the guide showed is run
 * with the real AWS CLI v2 against the same local cloud.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';
import { awsCliV2 } from '../support/awscli.js';
import { clientConfig } from '../support/local-cloud.js';
import { runShown, shownCommands, Terminal, type ShownCommand } from './guide-terminal.js';

const STATE_FILE = 'local-000000000000-us-east-1.json';
const RULES = ['xray-lab-high-priority-service', 'xray-lab-user-api-prod'];

describe.skipIf(!awsCliV2)('xray-lab guide in a real terminal, local target', { timeout: 180_000 }, () => {
  let sb: Sandbox;
  let endpoint: string;
  let term: Terminal | undefined;
  const shown: ShownCommand[] = [];

  beforeAll(async () => {
    sb = await makeSandbox();
  });
  afterAll(async () => {
    await Terminal.closeAll();
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  async function state(): Promise<{ steps: Record<string, unknown>; resources: { id: string }[] }> {
    return JSON.parse(await readFile(join(sb.stateDir, STATE_FILE), 'utf8'));
  }
  async function ruleNames(): Promise<string[]> {
    const xray = new XRayClient(clientConfig({ endpoint }));
    const out = await xray.send(new GetSamplingRulesCommand({}));
    xray.destroy();
    return (out.SamplingRuleRecords ?? []).map((r) => r.SamplingRule!.RuleName!);
  }
  async function tableStatus(): Promise<string> {
    const ddb = new DynamoDBClient(clientConfig({ endpoint }));
    try {
      return (await ddb.send(new DescribeTableCommand({ TableName: 'UserProfiles' }))).Table!.TableStatus!;
    } catch (e) {
      return (e as Error).name;
    } finally {
      ddb.destroy();
    }
  }
  async function runChecks(screen: string, mustShow: RegExp[]): Promise<string> {
    const checks = shownCommands(screen).filter((c) => c.section === 'Check it yourself');
    expect(checks.length).toBeGreaterThan(0);
    let output = '';
    for (const c of checks) {
      expect(c.text).toContain(`--endpoint-url ${endpoint}`);
      const r = await runShown(c.text);
      expect(r.status, `${c.text}\n${r.stderr}`).toBe(0);
      output += r.stdout;
    }
    for (const re of mustShow) expect(output).toMatch(re);
    return output;
  }

  it('first run: shows step 1 with its commands, runs and verifies it, shows details of step 2, quits', async () => {
    term = await Terminal.start(['guide'], sb.env);
    const first = await term.waitFor(/^\? Step 1: what now\?/m);
    endpoint = /Target: the local cloud at (http:\/\/127\.0\.0\.1:\d+)/.exec(first)![1];
    expect(first).toMatch(/Step 1 of \d: Sampling rules/);
    expect(first).toMatch(/reservoir/i);
    expect(first).toMatch(/⚠ It passes sampling-rule\.json/);
    const step1Cmds = shownCommands(first).filter((c) => c.section === 'Do it yourself');
    expect(step1Cmds.map((c) => c.text.split('\n')[0])).toEqual(['aws xray create-sampling-rule \\', 'aws xray create-sampling-rule \\']);
    for (const c of step1Cmds) expect(c.text).toContain(`--region us-east-1 \\\n      --endpoint-url ${endpoint}`);

    await term.keys('Enter'); // Run
    const afterRun = await term.waitFor(/^\? Step 2: what now\?/m);
    expect(afterRun).toMatch(/Checked step 1 against the real service/);
    expect(afterRun).toMatch(/GetSamplingRules lists xray-lab-user-api-prod: priority 1001, 2\/s then 50%, service "user-api\/prod"/);
    expect(await ruleNames()).toEqual([...RULES, 'Default']);
    await runChecks(afterRun, [/xray-lab-user-api-prod/, /Default/]);

    await term.keys('Down', 'Down', 'Enter'); // Show details
    await term.waitFor(/^ {2}Details\n(.|\n)*PAY_PER_REQUEST/m);
    await term.waitFor(/^\? Step 2: what now\?/m);
    await term.keys('Down', 'Down', 'Down', 'Enter'); // Quit
    expect(await term.exitCode()).toBe(0);
    const end = await term.screen();
    expect(end).toMatch(/To continue at step 2, run: xray-lab guide/);
    shown.push(...shownCommands(end));
    await term.close();
    term = undefined;

    expect(await tableStatus()).toBe('ResourceNotFoundException');
    expect(Object.keys((await state()).steps)).toEqual(['sampling-rules']);
  });

  it('bare xray-lab in a terminal is the guide; Ctrl-C at its prompt exits 130 and keeps the progress', async () => {
    term = await Terminal.start([], sb.env);
    await term.waitFor(/^\? Step 2: what now\?/m);
    await term.keys('C-c');
    expect(await term.exitCode()).toBe(130);
    await term.close();
    term = undefined;

    expect(Object.keys((await state()).steps)).toEqual(['sampling-rules']);
  });

  it('second run: resumes at step 2, runs it, takes the quiz with feedback, tears down', async () => {
    term = await Terminal.start(['guide'], sb.env);
    const resumed = await term.waitFor(/^\? Step 2: what now\?/m);
    expect(resumed).toMatch(/✔ Step 1: Sampling rules \(done \d{4}-\d\d-\d\d/);
    expect(resumed).toMatch(/Continuing at step 2: DynamoDB table and sample data/);
    expect(resumed).not.toMatch(/Step 1 of \d/);

    await term.keys('Enter'); // Run
    const quiz = await term.waitFor(/^\? 1\. /m);
    expect(quiz).toMatch(/DescribeTable: UserProfiles is ACTIVE \(arn:aws:dynamodb:us-east-1:000000000000:table\/UserProfiles\)/);
    expect(quiz).toMatch(/GetItem user123: John Doe/);
    expect(await tableStatus()).toBe('ACTIVE');
    await runChecks(quiz, [/UserProfiles\s+ACTIVE\s+arn:aws:dynamodb:us-east-1:000000000000:table\/UserProfiles/, /John Doe/]);
    expect(quiz).toMatch(/Recap(.|\n)*✔ Step 1: Sampling rules(.|\n)*✔ Step 2: DynamoDB table/);

    // Answers: right, wrong, right, right, right.
    const answers = [['Down', 'Enter'], ['Enter'], ['Enter'], ['Down', 'Down', 'Down', 'Enter'], ['Enter']];
    for (const [i, keys] of answers.entries()) {
      await term.waitFor(new RegExp(`^\\? ${i + 1}\\. `, 'm'));
      await term.keys(...keys);
    }
    const scored = await term.waitFor(/Score: \d of 5/);
    expect([...scored.matchAll(/✔ Correct\./g)]).toHaveLength(4);
    expect(scored).toMatch(/✘ Not quite: the answer is "About 2\.8: the first 2, then 10% of the other 8"/);
    expect(scored).toMatch(/Score: 4 of 5/);

    await term.waitFor(/Delete the 3 resources in the local cloud now\?/);
    await term.keys('y', 'Enter');
    expect(await term.exitCode()).toBe(0);
    const end = await term.screen();
    expect(end).toMatch(/Deleted 3 resources/);
    shown.push(...shownCommands(end));
    await term.close();
    term = undefined;

    expect(await ruleNames()).toEqual(['Default']);
    expect(await tableStatus()).toBe('ResourceNotFoundException');
    expect((await state()).resources).toEqual([]);
  });

  it("every 'Do it yourself' command shown, pasted into bash, rebuilds the lab on the same cloud", async () => {
    const seen = new Set<string>();
    const build = shown.filter((c) => c.section === 'Do it yourself' && !seen.has(c.text) && seen.add(c.text));
    expect(build.length).toBe(5);

    for (const c of build) {
      const r = await runShown(c.text);
      expect(r.status, `${c.text}\n${r.stderr}`).toBe(0);
    }

    expect(await ruleNames()).toEqual([...RULES, 'Default']);
    expect(await tableStatus()).toBe('ACTIVE');
  });
});
