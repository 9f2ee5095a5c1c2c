/**
 * The lab guide's own commands for steps 1–2 (and the IAM/STS calls of step 3), run verbatim with the real
 * AWS CLI v2 against the local cloud — except step 1's document, which is replaced by a valid API rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloud } from '../../src/local/server.js';
import { aws, awsCliV2 } from '../support/awscli.js';
import { tempDir, withLocalCloud } from '../support/local-cloud.js';

const LAB_LOCAL_RULES = {
  version: 2,
  default: { fixed_target: 1, rate: 0.1 },
  rules: [{ description: 'High priority service sampling', service_name: 'user-service', http_method: '*', url_path: '/api/users/*', fixed_target: 2, rate: 0.5 }],
};
const API_RULE = { RuleName: 'user-api-prod', ResourceARN: '*', Priority: 1000, FixedRate: 0.5, ReservoirSize: 2, ServiceName: 'user-api/prod', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1 };
const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

describe.skipIf(!awsCliV2)('AWS CLI v2 against the local cloud: steps 1–2 and IAM/STS', () => {
  let cloud: LocalCloud;
  const dir = tempDir();
  beforeAll(async () => {
    cloud = await withLocalCloud();
    writeFileSync(join(dir.path, 'sampling-rule.json'), JSON.stringify(LAB_LOCAL_RULES));
    writeFileSync(join(dir.path, 'api-rule.json'), JSON.stringify(API_RULE));
    writeFileSync(join(dir.path, 'lambda-trust-policy.json'), JSON.stringify(TRUST));
  });
  afterAll(async () => {
    await cloud.close();
    dir.remove();
  });
  const run = (args: string[]) => aws(cloud.endpoint, args, { cwd: dir.path });

  it("step 1: the guide's local-rules file is refused by the CLI itself; a valid API rule is created and listed", async () => {
    const refused = await run(['xray', 'create-sampling-rule', '--sampling-rule', 'file://sampling-rule.json']);
    expect(refused.status).toBe(252);
    expect(refused.stderr).toMatch(/Missing required parameter in SamplingRule: "ResourceARN"/);

    const created = await run(['xray', 'create-sampling-rule', '--sampling-rule', 'file://api-rule.json']);
    expect(created.status, created.stderr).toBe(0);
    expect(created.json<{ SamplingRuleRecord: { SamplingRule: { RuleARN: string } } }>().SamplingRuleRecord.SamplingRule.RuleARN).toBe(
      'arn:aws:xray:us-east-1:000000000000:sampling-rule/user-api-prod',
    );
    const listed = await run(['xray', 'get-sampling-rules']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.json<{ SamplingRuleRecords: { SamplingRule: { RuleName: string } }[] }>().SamplingRuleRecords.map((r) => r.SamplingRule.RuleName)).toEqual(['user-api-prod', 'Default']);

    const deleted = await run(['xray', 'delete-sampling-rule', '--rule-name', 'user-api-prod']);
    expect(deleted.status, deleted.stderr).toBe(0);
  });

  it('step 2 verbatim: create-table, wait table-exists (first poll), put-item, get-item, delete-table', async () => {
    const created = await run([
      'dynamodb', 'create-table', '--table-name', 'UserProfiles', '--attribute-definitions', 'AttributeName=userId,AttributeType=S',
      '--key-schema', 'AttributeName=userId,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST',
    ]);
    expect(created.status, created.stderr).toBe(0);
    const started = Date.now();
    const waited = await run(['dynamodb', 'wait', 'table-exists', '--table-name', 'UserProfiles']);
    expect(waited.status, waited.stderr).toBe(0);
    // The waiter sleeps 20 s between polls; returning well before that proves the first poll saw ACTIVE.
    expect(Date.now() - started).toBeLessThan(15_000);
    // Running the command again (as a learner re-doing step 2 does) names the table, as DynamoDB does.
    const again = await run([
      'dynamodb', 'create-table', '--table-name', 'UserProfiles', '--attribute-definitions', 'AttributeName=userId,AttributeType=S',
      '--key-schema', 'AttributeName=userId,KeyType=HASH', '--billing-mode', 'PAY_PER_REQUEST',
    ]);
    expect(again.status).toBe(254);
    expect(again.stderr).toContain('An error occurred (ResourceInUseException) when calling the CreateTable operation: Table already exists: UserProfiles');
    const put = await run([
      'dynamodb', 'put-item', '--table-name', 'UserProfiles', '--item',
      '{"userId": {"S": "user123"}, "name": {"S": "John Doe"}, "email": {"S": "john@example.com"}, "preferences": {"S": "theme:dark,notifications:enabled"}}',
    ]);
    expect(put.status, put.stderr).toBe(0);
    const got = await run(['dynamodb', 'get-item', '--table-name', 'UserProfiles', '--key', '{"userId": {"S": "user123"}}']);
    expect(got.json<{ Item: { name: { S: string } } }>().Item.name.S).toBe('John Doe');
    expect((await run(['dynamodb', 'delete-table', '--table-name', 'UserProfiles'])).status).toBe(0);
    expect((await run(['dynamodb', 'describe-table', '--table-name', 'UserProfiles'])).stderr).toMatch(/ResourceNotFoundException/);
  });

  it('IAM and STS as step 3 and the cleanup use them', async () => {
    const id = await run(['sts', 'get-caller-identity', '--query', 'Account', '--output', 'text']);
    expect(id.stdout.trim()).toBe('000000000000');
    expect((await run(['iam', 'create-role', '--role-name', 'XRayLambdaRole', '--assume-role-policy-document', 'file://lambda-trust-policy.json'])).status).toBe(0);
    for (const arn of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess', 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess']) {
      const r = await run(['iam', 'attach-role-policy', '--role-name', 'XRayLambdaRole', '--policy-arn', arn]);
      expect(r.status, r.stderr).toBe(0);
    }
    const listed = await run(['iam', 'list-attached-role-policies', '--role-name', 'XRayLambdaRole']);
    expect(listed.json<{ AttachedPolicies: unknown[] }>().AttachedPolicies).toHaveLength(3);
    const conflict = await run(['iam', 'delete-role', '--role-name', 'XRayLambdaRole']);
    expect(conflict.status).toBe(254);
    expect(conflict.stderr).toMatch(/DeleteConflict/);
    for (const arn of ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess', 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess']) {
      expect((await run(['iam', 'detach-role-policy', '--role-name', 'XRayLambdaRole', '--policy-arn', arn])).status).toBe(0);
    }
    expect((await run(['iam', 'delete-role', '--role-name', 'XRayLambdaRole'])).status).toBe(0);
    const gone = await run(['iam', 'get-role', '--role-name', 'XRayLambdaRole']);
    expect(gone.stderr).toMatch(/NoSuchEntity/);
  });
});
