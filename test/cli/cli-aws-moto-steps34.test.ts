/**
 * Steps 3–4 and their teardown on the aws target's code path, against moto (an independent AWS
 * emulator): IAM, Lambda's control plane and API Gateway's control plane are moto's; X-Ray (for step 1)
 * is routed to our local cloud because moto has no sampling-rule API. moto's Lambda cannot run Node
 * code without Docker, so nothing here invokes the function: creating, wiring and deleting is the point.
 */
import { APIGatewayClient, GetRestApisCommand, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { describe, expect } from 'vitest';
import type { Sandbox } from '../support/cli.js';
import { awsTargetTest as it } from '../support/fixtures.js';
import { motoAvailable, motoClientConfig, type Moto } from '../support/moto.js';

const available = motoAvailable();
if (!available) console.log('skipping the aws-target steps 3–4 tests: python3 cannot import moto');

describe.skipIf(!available)('steps 3–4 on the aws target (moto)', () => {
  let moto: Moto;
  let sb: Sandbox;
  let awsEnv: NodeJS.ProcessEnv;
  const cfg = () => motoClientConfig(moto);

  it.beforeEach(({ box, aws }) => {
    sb = box;
    ({ moto, env: awsEnv } = aws);
  });

  it('setup creates the role, function and API; status shows the AWS invoke URL; teardown removes them all', { timeout: 120_000 }, async () => {
    const setup = await sb.run(['setup', '--target', 'aws', '--yes', '--json'], awsEnv);
    expect(setup.code, setup.stderr).toBe(0);
    const apiId = JSON.parse(setup.stdout).steps[3].details.apiId as string;
    const fn = await new LambdaClient(cfg()).send(new GetFunctionCommand({ FunctionName: 'user-service' }));
    const inline = await new IAMClient(cfg()).send(new GetRolePolicyCommand({ RoleName: 'XRayLambdaRole', PolicyName: 'xray-lab-user-service' }));
    const stage = await new APIGatewayClient(cfg()).send(new GetStageCommand({ restApiId: apiId, stageName: 'prod' }));
    const status = JSON.parse((await sb.run(['status', '--target', 'aws', '--json'], awsEnv)).stdout);

    const down = await sb.run(['teardown', '--target', 'aws', '--yes', '--json'], awsEnv);

    expect(fn.Configuration).toMatchObject({ TracingConfig: { Mode: 'Active' }, Environment: { Variables: { TABLE_NAME: 'UserProfiles' } }, Timeout: 30 });
    expect(decodeURIComponent(inline.PolicyDocument!)).toContain('arn:aws:dynamodb:us-east-1:123456789012:table/UserProfiles');
    expect(stage.tracingEnabled).toBe(true);
    expect(status.invokeUrl).toBe(`https://${apiId}.execute-api.us-east-1.amazonaws.com/prod`);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout).failed).toEqual([]);
    expect((await new LambdaClient(cfg()).send(new ListFunctionsCommand({}))).Functions).toEqual([]);
    expect((await new IAMClient(cfg()).send(new ListRolesCommand({}))).Roles!.filter((r) => r.RoleName === 'XRayLambdaRole')).toEqual([]);
    expect((await new APIGatewayClient(cfg()).send(new GetRestApisCommand({}))).items ?? []).toEqual([]);
  });
});
