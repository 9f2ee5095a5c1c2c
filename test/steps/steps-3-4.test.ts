import { GetRestApisCommand, GetIntegrationCommand, GetMethodCommand, GetResourcesCommand, GetStageCommand, GetTagsCommand } from '@aws-sdk/client-api-gateway';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, DeleteRoleCommand, GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetPolicyCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { type Clients } from '../../src/lab/clients.js';
import { resolveConfig, type CommonFlags } from '../../src/lab/config.js';
import type { Clock, LabContext } from '../../src/lab/context.js';
import { UserError } from '../../src/lab/errors.js';
import { trustPolicyJson } from '../../src/lab/iam-policy.js';
import { RecordingIO } from '../../src/lab/io.js';
import { runSteps } from '../../src/lab/runner.js';
import { StateStore } from '../../src/lab/state.js';
import { executeTeardown } from '../../src/lab/teardown.js';
import { steps } from '../../steps/index.js';
import { userApiStep } from '../../steps/user-api.js';
import { userFunctionStep } from '../../steps/user-function.js';
import { openLabFixture, type LabFixture } from '../support/lab-context.js';

/** Real time plus an offset that sleep() advances at once: the lab and the local cloud share it, so waits cost nothing. */
function skippingClock(): Clock & { slept: number[] } {
  let offset = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + offset,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      offset += ms;
    },
  };
}

describe('lab steps 3–4 against the local cloud', () => {
  const clock = skippingClock();
  let cloud: LocalCloud;
  let clients: Clients;
  let state: StateStore;
  let io: RecordingIO;
  let lab: LabFixture;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, clock });
  });
  afterAll(async () => {
    await cloud.close();
  });
  beforeEach(async () => {
    lab = await openLabFixture(cloud, 'xray-lab-steps34-');
    ({ clients, state } = lab);
    io = new RecordingIO();
    clock.slept.length = 0;
  });
  afterEach(async () => {
    cloud.env.faults.iamPropagationMs = 0;
    cloud.env.faults.apigatewayDeleteThrottles = 0;
    await executeTeardown(context(), steps);
    await lab.dispose();
  });

  function context(flags: CommonFlags = {}): LabContext {
    return lab.context({ io, clock, flags });
  }

  const acct = () => cloud.env.accountId;
  const invokeUrlOf = (runs: Awaited<ReturnType<typeof runSteps>>): string => String(runs.find((r) => r.number === 4)!.outcome.details!.invokeUrl);

  it('step 3 gives the role a least-privilege inline policy and creates the traced function', async () => {
    await runSteps(context(), steps, steps.slice(0, 3));

    const iam = await clients.iam();
    const role = (await iam.send(new GetRoleCommand({ RoleName: 'XRayLambdaRole' }))).Role!;
    const trust = JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument!));
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(role.Tags).toContainEqual({ Key: 'xray-lab:run', Value: 'run-test' });
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }))).AttachedPolicies).toEqual([]);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }))).PolicyNames).toEqual(['xray-lab-user-service']);
    const inline = await iam.send(new GetRolePolicyCommand({ RoleName: 'XRayLambdaRole', PolicyName: 'xray-lab-user-service' }));
    const policy = JSON.parse(decodeURIComponent(inline.PolicyDocument!));
    const grants = policy.Statement.map((s: { Action: string | string[]; Resource: string }) => [[s.Action].flat().sort(), s.Resource]);
    const logGroup = `arn:aws:logs:us-east-1:${acct()}:log-group:/aws/lambda/user-service`;
    expect(grants).toEqual([
      [['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'],
      [['logs:CreateLogGroup'], `${logGroup}:*`],
      [['logs:CreateLogStream', 'logs:PutLogEvents'], `${logGroup}:log-stream:*`],
      [['dynamodb:GetItem'], `arn:aws:dynamodb:us-east-1:${acct()}:table/UserProfiles`],
    ]);

    const fn = await (await clients.lambda()).send(new GetFunctionCommand({ FunctionName: 'user-service' }));
    expect(fn.Configuration).toMatchObject({
      State: 'Active',
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 30,
      Role: role.Arn,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: { TABLE_NAME: 'UserProfiles' } },
    });
    expect(fn.Tags).toEqual({ 'xray-lab:run': 'run-test' });
    expect(state.resources().filter((r) => r.step === 'user-function').map((r) => [r.type, r.id, r.extra?.dependsOn])).toEqual([
      ['iam:Role', 'XRayLambdaRole', undefined],
      ['iam:RolePolicy', 'xray-lab-user-service', ['iam:Role/XRayLambdaRole']],
      ['lambda:Function', 'user-service', ['iam:Role/XRayLambdaRole', 'logs:LogGroup//aws/lambda/user-service']],
      ['logs:LogGroup', '/aws/lambda/user-service', undefined],
    ]);
  });

  it('--lab-policies attaches the guide’s three managed policies and says why the default is safer; a default re-run switches back', async () => {
    const [, , labRun] = await runSteps(context({ labPolicies: true, runtime: 'nodejs22.x' }), steps, steps.slice(0, 3));
    const iam = await clients.iam();
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }));
    const inlineDuringLab = await iam.send(new ListRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }));

    const [rerun] = await runSteps(context(), steps, [userFunctionStep]);

    expect(labRun.outcome.details).toMatchObject({ runtime: 'nodejs22.x', permissions: 'lab-policies' });
    expect(rerun.outcome.details).toMatchObject({ runtime: 'nodejs24.x', permissions: 'least-privilege', adopted: true });
    // The runtime changed; the code only if the node24 and node22 bundles differ.
    expect(rerun.outcome.details!.updated).toContain('configuration');
    expect(attached.AttachedPolicies!.map((p) => p.PolicyName).sort()).toEqual(['AWSLambdaBasicExecutionRole', 'AWSXRayDaemonWriteAccess', 'AmazonDynamoDBFullAccess']);
    expect(inlineDuringLab.PolicyNames).toEqual([]);
    expect(labRun.outcome.notes!.join(' ')).toMatch(/AmazonDynamoDBFullAccess lets the function read, write and delete every DynamoDB table/);
    expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }))).AttachedPolicies).toEqual([]);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }))).PolicyNames).toEqual(['xray-lab-user-service']);
    expect(state.resources().filter((r) => r.type === 'iam:AttachedRolePolicy')).toEqual([]);
  });

  it('--simulated-work-ms sets the handler\'s simulated work on the function; a re-run without it restores the lab\'s default', async () => {
    const lambda = await clients.lambda();
    const { GetFunctionConfigurationCommand } = await import('@aws-sdk/client-lambda');

    await runSteps(context({ simulatedWorkMs: '0' }), steps, steps.slice(0, 3));
    const fast = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'user-service' }));
    await runSteps(context(), steps, [userFunctionStep]);
    const lab = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'user-service' }));

    expect(fast.Environment?.Variables).toEqual({ TABLE_NAME: 'UserProfiles', SIMULATED_WORK_MS: '0' });
    expect(lab.Environment?.Variables).toEqual({ TABLE_NAME: 'UserProfiles' });
    expect(() => resolveConfig({ simulatedWorkMs: '-5' }, {})).toThrow(/--simulated-work-ms must be a whole number of milliseconds from 0 to 10000, got "-5"/);
  });

  it('step 4 wires API Gateway to the function with stage tracing, and the invoke URL really serves John Doe', async () => {
    const runs = await runSteps(context(), steps, steps);
    const url = invokeUrlOf(runs);
    const apiId = state.resources().find((r) => r.type === 'apigateway:RestApi')!.id;
    const apigw = await clients.apiGateway();

    const resources = (await apigw.send(new GetResourcesCommand({ restApiId: apiId }))).items!;
    const leaf = resources.find((r) => r.path === '/users/{userId}')!;
    const method = await apigw.send(new GetMethodCommand({ restApiId: apiId, resourceId: leaf.id, httpMethod: 'GET' }));
    const integration = await apigw.send(new GetIntegrationCommand({ restApiId: apiId, resourceId: leaf.id, httpMethod: 'GET' }));
    const stage = await apigw.send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }));
    const tags = await apigw.send(new GetTagsCommand({ resourceArn: `arn:aws:apigateway:us-east-1::/restapis/${apiId}` }));
    const policy = JSON.parse((await (await clients.lambda()).send(new GetPolicyCommand({ FunctionName: 'user-service' }))).Policy!);
    const user = await fetch(`${url}/users/user123`);
    const missing = await fetch(`${url}/users/nonexistent`);

    expect(url).toBe(`${cloud.endpoint}/_aws/execute-api/${apiId}/prod`);
    expect(resources.map((r) => r.path).sort()).toEqual(['/', '/users', '/users/{userId}']);
    expect(method).toMatchObject({ httpMethod: 'GET', authorizationType: 'NONE' });
    expect(integration).toMatchObject({
      type: 'AWS_PROXY',
      httpMethod: 'POST',
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:${acct()}:function:user-service/invocations`,
    });
    expect(stage.tracingEnabled).toBe(true);
    expect(tags.tags).toEqual({ 'xray-lab:run': 'run-test' });
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({
      Sid: 'xray-lab-apigateway-invoke',
      Principal: { Service: 'apigateway.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Condition: { ArnLike: { 'AWS:SourceArn': `arn:aws:execute-api:us-east-1:${acct()}:${apiId}/*/GET/users/*` } },
    });
    expect(user.status).toBe(200);
    expect(await user.json()).toMatchObject({ userId: 'user123', name: 'John Doe', email: 'john@example.com' });
    expect(missing.status).toBe(404);
    expect(state.resources().find((r) => r.type === 'apigateway:RestApi')!.extra).toMatchObject({ invokeUrl: url });
  });

  it('re-running steps 3 and 4 adopts what the state records: no second role, function, API or permission', async () => {
    await runSteps(context(), steps, steps);
    const before = state.resources().map((r) => `${r.type}/${r.id}`);

    const again = await runSteps(context(), steps, [userFunctionStep, userApiStep]);

    const apis = await (await clients.apiGateway()).send(new GetRestApisCommand({}));
    const fns = await (await clients.lambda()).send(new ListFunctionsCommand({}));
    const policy = JSON.parse((await (await clients.lambda()).send(new GetPolicyCommand({ FunctionName: 'user-service' }))).Policy!);
    expect(again.map((r) => r.outcome.details!.adopted)).toEqual([true, true]);
    expect(apis.items!.filter((a) => a.name === 'user-api')).toHaveLength(1);
    expect(fns.Functions!.map((f) => f.FunctionName)).toEqual(['user-service']);
    expect(policy.Statement).toHaveLength(1);
    expect(state.resources().map((r) => `${r.type}/${r.id}`)).toEqual(before);
    const res = await fetch(`${invokeUrlOf(again)}/users/user123`);
    expect(res.status).toBe(200);
  });

  it('waits for IAM propagation with a visible message instead of failing, then creates the function', async () => {
    await runSteps(context(), steps, steps.slice(0, 2));
    cloud.env.faults.iamPropagationMs = 3_000;

    await runSteps(context(), steps, [userFunctionStep]);

    expect(io.text()).toMatch(/Waiting for IAM to propagate the new role/);
    expect(io.text()).toContain('cannot be assumed by Lambda');
    // Backoff 1 s, 2 s: the role became assumable 3 s after it was created (the fake clock only moves on sleep).
    expect(clock.slept.slice(0, 2)).toEqual([1_000, 2_000]);
    const fn = await (await clients.lambda()).send(new GetFunctionCommand({ FunctionName: 'user-service' }));
    expect(fn.Configuration!.State).toBe('Active');
  });

  it('teardown waits out a throttled DeleteRestApi with a message and leaves nothing behind', async () => {
    const runs = await runSteps(context(), steps, steps);
    await fetch(`${invokeUrlOf(runs)}/users/user123`);
    cloud.env.faults.apigatewayDeleteThrottles = 1;

    const report = await executeTeardown(context(), steps);

    expect(report.failed).toEqual([]);
    expect(io.text()).toMatch(/one DeleteRestApi per 30 s .* waiting 30 s/);
    expect(clock.slept).toContain(30_000);
    expect(report.deleted.map((r) => r.type)).toEqual([
      'lambda:Permission', 'apigateway:RestApi',
      'lambda:Function', 'logs:LogGroup', 'iam:RolePolicy', 'iam:Role',
      'dynamodb:Table', 'xray:SamplingRule', 'xray:SamplingRule',
    ]);
    const logs = await (await clients.logs()).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/user-service' }));
    expect(logs.logGroups).toEqual([]);
    expect((await (await clients.apiGateway()).send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
    expect((await (await clients.lambda()).send(new ListFunctionsCommand({}))).Functions).toEqual([]);
    await expect((await clients.iam()).send(new GetRoleCommand({ RoleName: 'XRayLambdaRole' }))).rejects.toThrow(/cannot be found/);
    expect(state.resources()).toEqual([]);
  });

  it('refuses to touch an XRayLambdaRole it did not create, and creates nothing', async () => {
    await runSteps(context(), steps, steps.slice(0, 2));
    const iam = await clients.iam();
    await iam.send(new CreateRoleCommand({ RoleName: 'XRayLambdaRole', AssumeRolePolicyDocument: trustPolicyJson() }));
    try {
      const err = await runSteps(context(), steps, [userFunctionStep]).catch((e: unknown) => e);

      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/XRayLambdaRole already exists .* not created by xray-lab/);
      expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'XRayLambdaRole' }))).PolicyNames).toEqual([]);
      expect(state.resources().filter((r) => r.step === 'user-function')).toEqual([]);
    } finally {
      await iam.send(new DeleteRoleCommand({ RoleName: 'XRayLambdaRole' }));
    }
  });
});
