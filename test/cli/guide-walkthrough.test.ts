/**
 * The walkthrough end to end in a real terminal (tmux) on the local target, all six steps: run steps
 * 1–3 (details on the way), quit at step 4; Ctrl-C at a prompt; resume at step 4 and finish; answer the
 * quiz; tear down. After each step the resources are checked with SDK clients, and every AWS CLI command
 * the guide showed is run with the real AWS CLI v2 against the same local cloud, one bash per step:
 * "Check it yourself" right after the step, steps 5 and 6's "Do it yourself" on the live lab, and steps
 * 1–4's "Do it yourself" after the teardown, where they must rebuild the lab.
 * At step 3 the learner picks OpenTelemetry when asked how to trace user-service; the quiz then has its
 * questions on it. XRAY_LAB_GUIDE_LOAD_SECONDS=1 keeps step 5's load short.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { awsCliV2 } from '../support/awscli.js';
import { clientConfig } from '../support/local-cloud.js';
import { commandsOf, runBlock, shownCommands, Terminal, type ShownCommand } from './guide-terminal.js';

const STATE_FILE = 'local-000000000000-us-east-1.json';
const RULES = ['xray-lab-high-priority-service', 'xray-lab-user-api-prod'];
const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:user-service';
const prompt = (n: number): RegExp => new RegExp(`^\\? Step ${n}: what now\\?`, 'm');

describe.skipIf(!awsCliV2)('xray-lab guide in a real terminal, local target', { timeout: 180_000 }, () => {
  let sb: Sandbox;
  let env: NodeJS.ProcessEnv;
  let endpoint: string;
  let term: Terminal | undefined;
  const shown: ShownCommand[] = [];

  beforeAll(async () => {
    sb = await makeSandbox();
    env = { ...sb.env, XRAY_LAB_GUIDE_LOAD_SECONDS: '1' };
  });
  afterAll(async () => {
    await Terminal.closeAll();
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  async function state(): Promise<{ steps: Record<string, unknown>; resources: { id: string; type: string }[] }> {
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
  async function functionState(): Promise<string> {
    const lambda = new LambdaClient(clientConfig({ endpoint }));
    try {
      const c = (await lambda.send(new GetFunctionCommand({ FunctionName: 'user-service' }))).Configuration!;
      return `${c.State} ${c.TracingConfig?.Mode}`;
    } catch (e) {
      return (e as Error).name;
    } finally {
      lambda.destroy();
    }
  }
  /** Runs one step's commands of one section from the screen in one bash; returns their output. */
  async function runSection(screen: string, step: number, section: string, mustShow: RegExp[]): Promise<string> {
    const cmds = commandsOf(shownCommands(screen), step, section);
    expect(cmds.length, `step ${step} ${section}`).toBeGreaterThan(0);
    for (const c of cmds.filter((t) => t.startsWith('aws '))) expect(c).toContain(`--endpoint-url ${endpoint}`);
    const r = await runBlock(cmds);
    expect(r.status, `${cmds.join('\n')}\n${r.stderr}`).toBe(0);
    for (const re of mustShow) expect(r.stdout).toMatch(re);
    return r.stdout;
  }

  it('first run: steps 1-3 with commands, checks and details; quits at step 4', async () => {
    term = await Terminal.start(['guide'], env);
    const first = await term.waitFor(prompt(1));
    endpoint = /Target: the local cloud at (http:\/\/127\.0\.0\.1:\d+)/.exec(first)![1];
    expect(first).toMatch(/Step 1 of 6: Sampling rules/);
    expect(first).toMatch(/reservoir/i);
    expect(first).toMatch(/⚠ It passes sampling-rule\.json/);
    const step1 = commandsOf(shownCommands(first), 1, 'Do it yourself');
    expect(step1.map((c) => c.split('\n')[0])).toEqual(['aws xray create-sampling-rule \\', 'aws xray create-sampling-rule \\']);

    await term.keys('Enter'); // Run step 1
    const two = await term.waitFor(prompt(2));
    expect(two).toMatch(/GetSamplingRules lists xray-lab-user-api-prod: priority 1001, 2\/s then 50%, service "user-api\/prod"/);
    expect(await ruleNames()).toEqual([...RULES, 'Default']);
    // Each step's checks run in the background while the walkthrough goes on (the CLI is slow to start).
    const checks = [runSection(two, 1, 'Check it yourself', [/xray-lab-user-api-prod/, /Default/])];

    await term.keys('Down', 'Down', 'Enter'); // Show details
    // The details end with where each claim can be checked: AWS's own pages.
    await term.waitFor(/^ {2}Details\n(.|\n)*PAY_PER_REQUEST(.|\n)*^ {2}Sources\n(.|\n)*https:\/\/aws\.amazon\.com\/dynamodb\/pricing\/on-demand\//m);
    await term.waitFor(prompt(2));
    await term.keys('Enter'); // Run step 2
    const three = await term.waitFor(prompt(3));
    expect(three).toMatch(/GetItem user123: John Doe/);
    expect(await tableStatus()).toBe('ACTIVE');
    checks.push(runSection(three, 2, 'Check it yourself', [/UserProfiles\s+ACTIVE/, /John Doe/]));
    expect(three).toMatch(/Step 3 of 6: IAM role and traced Lambda function/);
    expect(three).toMatch(/⚠ It deploys python3\.9/);
    // Annotating the facade is a tip now, not a guide error: the guide's handler annotates user_processing.
    expect(three).not.toMatch(/⚠ It annotates the current segment/);
    expect(three).toMatch(/annotations\s+land\s+on\s+user_processing/);
    expect(three).toMatch(/maintenance\s+mode\s+since\s+2026-02-25/);
    expect(three).toMatch(/⚠ It attaches AmazonDynamoDBFullAccess/);
    // The OpenTelemetry lesson: spans and segments, aws.xray.annotations, propagators and ids.
    expect(three).toMatch(/aws\.xray\.annotations/);
    expect(three).toMatch(/X-Amzn-Trace-Id/);
    expect(three).toMatch(/traceparent/);
    const step3 = commandsOf(shownCommands(three), 3, 'Do it yourself').join('\n');
    expect(step3).toContain('--tracing-config Mode=Active');
    expect(step3).toContain(`fileb://${join(sb.stateDir, 'guide', 'user-service.zip')}`);
    expect(step3).toMatch(/put-role-policy(.|\n)*dynamodb:GetItem/);
    expect(step3).toMatch(/lambda wait function-active-v2/);
    expect(step3).toMatch(/--cli-binary-format raw-in-base64-out/);

    await term.keys('Enter'); // Run step 3
    // Then the guide asks how to trace the function, recommending OpenTelemetry and saying why.
    const asked = await term.waitFor(/^\? How should user-service be traced\?/m);
    expect(asked).toMatch(/maintenance\s+mode\s+since\s+2026-02-25/);
    expect(asked).toMatch(/OpenTelemetry \(recommended\)/);
    await term.keys('Down', 'Enter'); // OpenTelemetry
    const four = await term.waitFor(prompt(4));
    expect(four).toMatch(new RegExp(`GetFunction: ${FN_ARN} is Active \\(nodejs\\d+\\.x, tracing Active\\)`));
    expect(four).toMatch(/Invoke user123: status 200, John Doe/);
    expect(four).toMatch(/user-service is traced with OpenTelemetry/);
    expect(four).toMatch(/OTLP over UDP to the X-Ray daemon/);
    expect(await functionState()).toBe('Active Active');
    checks.push(runSection(four, 3, 'Check it yourself', [new RegExp(`${FN_ARN}\\s+nodejs\\d+\\.x\\s+Active\\s+Active`), /dynamodb:GetItem/, /John Doe/]));

    await term.keys('Down', 'Down', 'Down', 'Enter'); // Quit
    expect(await term.exitCode()).toBe(0);
    const end = await term.screen();
    expect(end).toMatch(/To continue at step 4, run: xray-lab guide/);
    shown.push(...shownCommands(end));
    await term.close();
    term = undefined;

    expect(Object.keys((await state()).steps)).toEqual(['sampling-rules', 'user-table', 'user-function']);
    expect((await state()).resources.find((r) => r.type === 'lambda:Function')).toMatchObject({ extra: { instrumentation: 'otel' } });
    await Promise.all(checks);
  });

  it('bare xray-lab in a terminal is the guide; Ctrl-C at its prompt exits 130 and keeps the progress', async () => {
    term = await Terminal.start([], env);
    await term.waitFor(prompt(4));
    await term.keys('C-c');
    expect(await term.exitCode()).toBe(130);
    await term.close();
    term = undefined;

    expect(Object.keys((await state()).steps)).toEqual(['sampling-rules', 'user-table', 'user-function']);
  });

  it('second run: resumes at step 4, runs steps 4-6 with their commands, takes the quiz, tears down', async () => {
    term = await Terminal.start(['guide'], env);
    const four = await term.waitFor(prompt(4));
    expect(four).toMatch(/✔ Step 3: IAM role and traced Lambda function \(done \d{4}-\d\d-\d\d/);
    expect(four).toMatch(/Continuing at step 4: REST API with X-Ray stage tracing/);
    expect(four).toMatch(/⚠ It runs `update-stage --patch-ops`/);
    const step4 = commandsOf(shownCommands(four), 4, 'Do it yourself').join('\n');
    expect(step4).toMatch(/^API_ID=\$\(aws apigateway create-rest-api/m);
    expect(step4).toContain('--patch-operations op=replace,path=/tracingEnabled,value=true');
    expect(step4).toContain(`functions/${FN_ARN}/invocations`);
    expect(step4).toContain(`"${endpoint}/_aws/execute-api/$API_ID/prod/users/user123"`);

    await term.keys('Enter'); // Run step 4
    const five = await term.waitFor(prompt(5));
    const apiId = (await state()).resources.find((r) => r.type === 'apigateway:RestApi')!.id;
    const url = `${endpoint}/_aws/execute-api/${apiId}/prod`;
    expect(five).toMatch(new RegExp(`GetStage: user-api/prod \\(${apiId}\\) has tracing enabled`));
    const checks = [runSection(five, 4, 'Check it yourself', [/prod\s+True/, /xray-lab-apigateway-invoke/, /John Doe[^]*HTTP 200/, /HTTP 404/])];
    expect(commandsOf(shownCommands(five), 5, 'Do it yourself')[0]).toBe(`curl -s -w '\\nHTTP %{http_code}\\n' "${url}/users/user123"`);
    // Step 5's own commands, on the live API: the test requests and the loop.
    await runSection(five, 5, 'Do it yourself', [/HTTP 200/, /HTTP 404/, /^(200 ){10}$/m]);

    await term.keys('Enter'); // Run step 5
    const six = await term.waitFor(prompt(6));
    expect(six).toMatch(/GetTraceSummaries: \d+ traces in the last 10 minutes, [1-9]\d* with an error/);
    checks.push(runSection(six, 5, 'Check it yourself', [/^[1-9]\d*$/m]));
    // After the load the walkthrough offers the console: "see the map you just made".
    expect(commandsOf(shownCommands(six), 5, 'See it in the browser')).toEqual(['xray-lab console']);
    expect(six).toMatch(/⚠ It passes `--time-range-type TimeRangeByStartTime`/);
    // Step 6's own queries, before it runs: a table of traces, one full trace, the filters, the graph.
    await runSection(six, 6, 'Do it yourself', [/1-[0-9a-f]{8}-[0-9a-f]{24}/, /"Segments"/, /\t404/, /user-api\/prod\s+\|\s+AWS::ApiGateway::Stage/, /UserProfiles/]);

    await term.keys('Enter'); // Run step 6
    const quiz = await term.waitFor(/^\? 1\. /m);
    expect(quiz).toMatch(/BatchGetTraces 1-[0-9a-f]{8}-[0-9a-f]{24}: segments .*user-api\/prod/);
    checks.push(runSection(quiz, 6, 'Check it yourself', [/"origin": ?"AWS::ApiGateway::Stage"/, /\t404/]));
    expect(commandsOf(shownCommands(quiz), 6, 'See it in the browser')).toEqual(['xray-lab console']);
    expect(quiz).toMatch(/Recap(.|\n)*✔ Step 4: REST API(.|\n)*✔ Step 6: Analyse traces/);

    // Answers: right, wrong, right, right, right; then the OpenTelemetry questions, all right.
    const answers = [['Down', 'Enter'], ['Enter'], ['Enter'], ['Down', 'Down', 'Down', 'Enter'], ['Enter'], ['Down', 'Enter'], ['Down', 'Down', 'Enter'], ['Down', 'Enter']];
    for (const [i, keys] of answers.entries()) {
      await term.waitFor(new RegExp(`^\\? ${i + 1}\\. `, 'm'));
      await term.keys(...keys);
    }
    const scored = await term.waitFor(/Score: \d of 8/);
    expect(scored).toMatch(/✘ Not quite: the answer is "About 2\.8: the first 2, then 10% of the other 8"/);
    expect(scored).toMatch(/Score: 7 of 8/);

    await Promise.all(checks); // before the teardown removes what they look at
    const n = (await state()).resources.length;
    await term.waitFor(new RegExp(`Delete the ${n} resources in the local cloud now\\?`));
    await term.keys('y', 'Enter');
    expect(await term.exitCode(90_000)).toBe(0);
    const end = await term.screen();
    expect(end).toMatch(new RegExp(`Deleted ${n} resources`));
    shown.push(...shownCommands(end));
    await term.close();
    term = undefined;

    expect(await ruleNames()).toEqual(['Default']);
    expect(await tableStatus()).toBe('ResourceNotFoundException');
    expect(await functionState()).toBe('ResourceNotFoundException');
    expect((await state()).resources).toEqual([]);
  });

  it("steps 1-4's 'Do it yourself' commands, pasted into bash, rebuild the lab on the same cloud", async () => {
    const outputs: string[] = [];
    const replay = async (step: number): Promise<void> => {
      const cmds = commandsOf(shown, step, 'Do it yourself');
      expect(cmds.length, `step ${step}`).toBeGreaterThan(0);
      const r = await runBlock(cmds);
      expect(r.status, `step ${step}\n${cmds.join('\n')}\n${r.stderr}`).toBe(0);
      outputs[step - 1] = r.stdout;
    };

    // Step 1 depends on nothing; step 3's invoke reads step 2's item; step 4 needs the function.
    await Promise.all([replay(1), replay(2).then(() => replay(3))]);
    await replay(4);

    expect(await ruleNames()).toEqual([...RULES, 'Default']);
    expect(await tableStatus()).toBe('ACTIVE');
    expect(await functionState()).toBe('Active Active');
    expect(outputs[2]).toMatch(/John Doe/); // step 3 ends with lambda invoke
    expect(outputs[3]).toMatch(/John Doe[^]*HTTP 200/); // step 4 ends with a GET through the new API
  });
});
