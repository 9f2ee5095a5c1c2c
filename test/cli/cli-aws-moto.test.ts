/**
 * The aws target's code path (default credential chain, confirmation, real-AWS error shapes)
 * against moto. moto has no X-Ray sampling-rule API, so X-Ray alone is routed to our local cloud
 * through the SDK's standard per-service endpoint variable; STS and DynamoDB are moto's.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { describe, expect } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import type { Sandbox } from '../support/cli.js';
import { awsTargetTest as it } from '../support/fixtures.js';
import { MOTO_CREDENTIALS, motoAvailable, type Moto } from '../support/moto.js';

const available = motoAvailable();
if (!available) console.log('skipping the aws-target CLI tests: python3 cannot import moto');

describe.skipIf(!available)('xray-lab CLI on the aws target (moto)', () => {
  let moto: Moto;
  let xrayCloud: LocalCloud;
  let sb: Sandbox;
  let awsEnv: NodeJS.ProcessEnv;
  const credentials = { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY };

  it.beforeEach(({ box, aws }) => {
    sb = box;
    ({ moto, xrayCloud, env: awsEnv } = aws);
  });

  it('refuses to create billable resources without a terminal unless --yes is given', async () => {
    const r = await sb.run(['step', '2', '--target', 'aws'], awsEnv);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
    await expect(new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials }).send(new DescribeTableCommand({ TableName: 'UserProfiles' }))).rejects.toThrow();
  });

  it('exits 2 with a clear sentence when there are no credentials', async () => {
    const r = await sb.run(['status', '--target', 'aws', '--endpoint-url', moto.endpoint]);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No AWS credentials were found/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('steps 1 and 2, status and teardown leave nothing behind', async () => {
    const s1 = await sb.run(['step', '1', '--target', 'aws', '--yes', '--json'], awsEnv);
    const s2 = await sb.run(['step', '2', '--target', 'aws', '--yes', '--json'], awsEnv);
    const status = await sb.run(['status', '--target', 'aws', '--json'], awsEnv);
    const down = await sb.run(['teardown', '--target', 'aws', '--yes', '--json'], awsEnv);
    const again = await sb.run(['teardown', '--target', 'aws', '--yes', '--json'], awsEnv);

    expect(s1.code, s1.stderr).toBe(0);
    expect(s2.code, s2.stderr).toBe(0);
    const st = JSON.parse(status.stdout);
    expect(st).toMatchObject({ target: 'aws', region: 'us-east-1', accountId: '123456789012' });
    expect(st.resources.map((r: { id: string }) => r.id)).toEqual(['xray-lab-high-priority-service', 'xray-lab-user-api-prod', 'UserProfiles']);
    expect(st.resources[2].arn).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/UserProfiles');
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout).deleted).toHaveLength(3);
    expect(JSON.parse(again.stdout).deleted).toEqual([]);
    // Gone, checked through the services themselves.
    const rules = await new XRayClient({ region: 'us-east-1', endpoint: xrayCloud.endpoint, credentials }).send(new GetSamplingRulesCommand({}));
    expect(rules.SamplingRuleRecords!.map((r) => r.SamplingRule!.RuleName)).toEqual(['Default']);
    await expect(
      new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials }).send(new DescribeTableCommand({ TableName: 'UserProfiles' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('tags the table with the run id', async () => {
    const s2 = await sb.run(['step', '2', '--target', 'aws', '--yes', '--json'], awsEnv);
    const { ListTagsOfResourceCommand } = await import('@aws-sdk/client-dynamodb');

    const arn = JSON.parse(s2.stdout).steps[0].details.arn as string;
    const tags = await new DynamoDBClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials }).send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    await sb.run(['teardown', '--target', 'aws', '--yes'], awsEnv);

    expect(tags.Tags).toEqual([{ Key: 'xray-lab:run', Value: JSON.parse(s2.stdout).runId }]);
  });

  it('writes the secret key into no state file and no output', async () => {
    const outputs = await Promise.all([
      sb.run(['status', '--target', 'aws', '--json'], awsEnv),
      sb.run(['step', '2', '--target', 'aws', '--json'], awsEnv),
    ]);
    const files = await readdir(sb.stateDir);
    const state = (await Promise.all(files.map((f) => readFile(join(sb.stateDir, f), 'utf8')))).join('\n');

    expect(files.length).toBeGreaterThan(0);
    for (const text of [state, ...outputs.flatMap((o) => [o.stdout, o.stderr])]) {
      expect(text).not.toContain(MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
    }
  });
});
