/**
 * The whole lab through the real CLI on the local target: `setup` runs steps 1–4 against a background
 * local cloud started with AWS-like faults (a new role is not usable by Lambda for 3 s; the first
 * DeleteRestApi is throttled), the printed URL answers curl, and teardown leaves the services empty.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetRestApisCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { describe, expect } from 'vitest';
import { localCliTest as it } from '../support/fixtures.js';

const run = promisify(execFile);

describe('xray-lab setup → status → teardown on the local target, with AWS-like faults', () => {
  const faults = {
    XRAY_LAB_LOCAL_FAULTS: JSON.stringify({ iamPropagationMs: 3_000, apigatewayDeleteThrottles: 1 }),
    // The throttle answers Retry-After: 30 like AWS; the test knob keeps the wait short.
    XRAY_LAB_MAX_RETRY_WAIT_MS: '200',
  };
  let invokeUrl: string;

  it('setup with an unsupported --runtime exits 2 naming the choices, before anything is created', async ({ box: sb }) => {
    const r = await sb.run(['setup', '--yes', '--runtime', 'python3.9']);
    const status = await sb.run(['status', '--json']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--runtime "python3\.9" .* nodejs22\.x/);
    expect(JSON.parse(status.stdout).resources).toEqual([]);
  });

  it('setup --yes --json runs steps 1–4, waits for IAM with a message, and prints a URL curl can call', { timeout: 120_000 }, async ({ box: sb }) => {
    const r = await sb.run(['setup', '--yes', '--json'], faults);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Waiting for IAM to propagate the new role/);
    const doc = JSON.parse(r.stdout);
    expect(doc.steps.map((s: { number: number }) => s.number)).toEqual([1, 2, 3, 4]);
    invokeUrl = doc.steps[3].details.invokeUrl;
    expect(invokeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_aws\/execute-api\/[a-z0-9]{10}\/prod$/);
    const curl = await run('curl', ['-s', '-w', '\n%{http_code}', `${invokeUrl}/users/user123`]);
    const [body, status] = curl.stdout.trim().split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body!)).toMatchObject({ userId: 'user123', name: 'John Doe' });
    expect((await fetch(`${invokeUrl}/users/nonexistent`)).status).toBe(404);
  });

  it('status --json shows the invoke URL', async ({ box: sb }) => {
    const r = await sb.run(['status', '--json']);

    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).invokeUrl).toBe(invokeUrl);
  });

  it('teardown --yes waits out the throttled DeleteRestApi with a message and leaves nothing behind', { timeout: 120_000 }, async ({ box: sb }) => {
    const local = JSON.parse((await sb.run(['local', 'status', '--json'])).stdout);
    const cfg = { region: 'us-east-1', endpoint: local.endpoint as string, credentials: { accessKeyId: 'AKIAXRAYLABTEST00002', secretAccessKey: 'x' } };

    const r = await sb.run(['teardown', '--yes', '--json'], faults);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/one DeleteRestApi per 30 s .*waiting 0\.2 s/);
    expect(JSON.parse(r.stdout).deleted).toHaveLength(9);
    const rules = await new XRayClient(cfg).send(new GetSamplingRulesCommand({}));
    expect(rules.SamplingRuleRecords!.map((x) => x.SamplingRule!.RuleName)).toEqual(['Default']);
    expect((await new DynamoDBClient(cfg).send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await new IAMClient(cfg).send(new ListRolesCommand({}))).Roles).toEqual([]);
    expect((await new LambdaClient(cfg).send(new ListFunctionsCommand({}))).Functions).toEqual([]);
    expect((await new CloudWatchLogsClient(cfg).send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
    expect((await new APIGatewayClient(cfg).send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
  });
});
