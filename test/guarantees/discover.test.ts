import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateLogGroupCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateSamplingRuleCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/lab/clients.js';
import { discoverLabResources } from '../../src/lab/discover/find.js';
import { runSteps } from '../../src/lab/runner.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { runDiscoverTeardown } from '../../src/cli/commands/teardown-discover.js';
import { steps } from '../../steps/index.js';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { inventory, labContext, sandboxEndpoint } from './support.js';

const LOOKALIKE = {
  RuleName: 'xray-lab-lookalike', ResourceARN: '*', Priority: 9000, FixedRate: 0.1, ReservoirSize: 1,
  ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1,
};

describe('teardown --discover on the local target, the state file deleted after setup', () => {
  let sb: Sandbox;
  let endpoint: string;

  beforeAll(async () => {
    sb = await makeSandbox();
    const setup = await sb.run(['setup', '--json']);
    if (setup.code !== 0) throw new Error(setup.stderr);
    endpoint = await sandboxEndpoint(sb);
    // An untagged resource that looks like the lab's (same name prefix), made by someone else.
    const xray = new XRayClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: LOOKALIKE }));
    xray.destroy();
    for (const f of await readdir(sb.stateDir)) await rm(join(sb.stateDir, f));
  });
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it('plain teardown sees nothing recorded and points at --discover', async () => {
    const r = await sb.run(['teardown', '--yes']);

    expect(r.code).toBe(0);
    expect(r.stdout).toContain('teardown --discover');
    expect(await inventory(endpoint)).toContain('table UserProfiles');
  });

  it('refuses --include-untagged without --discover, exit 2', async () => {
    const r = await sb.run(['teardown', '--yes', '--include-untagged']);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--include-untagged only makes sense with --discover');
  });

  it('without --yes and without a terminal, lists nothing as deleted and deletes nothing', async () => {
    const before = await inventory(endpoint);

    const r = await sb.run(['teardown', '--discover']);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(await inventory(endpoint)).toEqual(before);
  });

  it('finds every tagged lab resource with the run that made it, deletes them, and leaves the untagged look-alike alone', async () => {
    const r = await sb.run(['teardown', '--discover', '--yes', '--json']);

    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    const found = doc.found.map((f: { type: string; id: string; tagged: boolean; runId?: string }) => `${f.type} ${f.id} ${f.tagged ? 'tagged' : 'untagged'}`);
    expect(found.map((f: string) => f.replace(/^apigateway:RestApi \w+/, 'apigateway:RestApi <id>')).sort()).toEqual([
      'apigateway:RestApi <id> tagged',
      'dynamodb:Table UserProfiles tagged',
      'iam:Role XRayLambdaRole tagged',
      'lambda:Function user-service tagged',
      'xray:SamplingRule xray-lab-high-priority-service tagged',
      'xray:SamplingRule xray-lab-lookalike untagged',
      'xray:SamplingRule xray-lab-user-api-prod tagged',
    ]);
    const runIds = new Set(doc.found.filter((f: { tagged: boolean }) => f.tagged).map((f: { runId: string }) => f.runId));
    expect(runIds.size).toBe(1);
    expect([...runIds][0]).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(doc.deleted.map((d: { type: string; id: string }) => (d.type === 'apigateway:RestApi' ? 'user-api' : d.id)).sort()).toEqual([
      'UserProfiles', 'XRayLambdaRole', 'user-api', 'user-service', 'xray-lab-high-priority-service', 'xray-lab-user-api-prod',
    ]);
    expect(doc.leftAlone).toEqual([expect.objectContaining({ id: 'xray-lab-lookalike', reason: expect.stringContaining('--include-untagged') })]);
    expect(await inventory(endpoint)).toEqual(['rule xray-lab-lookalike']);
  });
});

describe('discovery with --include-untagged asks name by name', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0 });
  });
  afterAll(async () => {
    await cloud.close();
  });

  it('deletes an untagged look-alike only when that very name is confirmed', async () => {
    // Arrange: a lab run whose state is then forgotten, plus two untagged look-alikes.
    // Steps 1–2 only: with no function, a `/aws/lambda/user-service` log group is an untagged look-alike.
    const made = await labContext(cloud.endpoint, cloud.env.accountId);
    await runSteps(made.ctx, steps, steps.slice(0, 2));
    await made.close();
    const cfg = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
    const xray = new XRayClient(cfg);
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: LOOKALIKE }));
    xray.destroy();
    const logs = new CloudWatchLogsClient(cfg);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/user-service' }));
    logs.destroy();
    // Answers in the order asked: the log group (found before rules), then the look-alike rule.
    const fresh = await labContext(cloud.endpoint, cloud.env.accountId, [true, false]);

    // Act
    await runDiscoverTeardown(fresh.ctx, true);
    await fresh.close();

    // Assert
    const asked = fresh.io.events.filter((e) => e.kind === 'confirm').map((e) => e.text);
    expect(asked).toEqual([
      expect.stringContaining('logs:LogGroup /aws/lambda/user-service has no xray-lab:run tag'),
      expect.stringContaining('xray:SamplingRule xray-lab-lookalike has no xray-lab:run tag'),
    ]);
    expect(await inventory(cloud.endpoint)).toEqual(['rule xray-lab-lookalike']);
    expect(await discoverLabResources({ ...fresh.ctx })).toEqual([expect.objectContaining({ id: 'xray-lab-lookalike', tagged: false, foundBy: 'name' })]);
  });
});
