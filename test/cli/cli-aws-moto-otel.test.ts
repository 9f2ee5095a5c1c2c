/**
 * `--instrumentation otel` on the aws target's code path, against moto: the OpenTelemetry bundle is what
 * Lambda receives, the role gets exactly the X-Ray SDK path's permissions (the Lambda-run daemon forwards
 * the spans; no extra statement, no account-wide setting), switching back re-deploys the code, and
 * teardown removes everything. moto's Lambda cannot run Node code without Docker, so the traces
 * themselves are tested against the local cloud (test/local/otel-parity.test.ts, test/cli/cli-otel.test.ts).
 */
import { GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { describe, expect } from 'vitest';
import { buildHandlerZip } from '../../src/lab/packaging.js';
import type { Sandbox } from '../support/cli.js';
import { awsTargetTest as it } from '../support/fixtures.js';
import { motoAvailable, motoClientConfig, type Moto } from '../support/moto.js';

const available = motoAvailable();
if (!available) console.log('skipping the aws-target OpenTelemetry tests: python3 cannot import moto');

describe.skipIf(!available)('--instrumentation otel on the aws target (moto)', () => {
  let moto: Moto;
  let sb: Sandbox;
  let awsEnv: NodeJS.ProcessEnv;
  const cfg = () => motoClientConfig(moto);
  const codeSha = async () => (await new LambdaClient(cfg()).send(new GetFunctionCommand({ FunctionName: 'user-service' }))).Configuration!.CodeSha256;
  const policyActions = async () => {
    const inline = await new IAMClient(cfg()).send(new GetRolePolicyCommand({ RoleName: 'XRayLambdaRole', PolicyName: 'xray-lab-user-service' }));
    const doc = JSON.parse(decodeURIComponent(inline.PolicyDocument!)) as { Statement: { Action: string | string[] }[] };
    return doc.Statement.flatMap((s) => s.Action).sort();
  };

  it.beforeEach(({ box, aws }) => {
    sb = box;
    ({ moto, env: awsEnv } = aws);
  });

  it('deploys the OTel bundle with the X-Ray SDK path\'s permissions, switches back on request, tears down', { timeout: 120_000 }, async () => {
    const [otel, xraySdk] = await Promise.all([buildHandlerZip({ instrumentation: 'otel' }), buildHandlerZip({ instrumentation: 'xray-sdk' })]);

    const setup = await sb.run(['setup', '--target', 'aws', '--yes', '--json', '--instrumentation', 'otel'], awsEnv);
    expect(setup.code, setup.stderr).toBe(0);
    expect(JSON.parse(setup.stdout).steps[2].details).toMatchObject({ instrumentation: 'otel', tracing: 'Active' });
    expect(await codeSha()).toBe(otel.sha256);
    expect(await policyActions()).toEqual(['dynamodb:GetItem', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(JSON.parse((await sb.run(['status', '--target', 'aws', '--json'], awsEnv)).stdout).instrumentation).toBe('otel');

    const back = await sb.run(['step', '3', '--target', 'aws', '--yes', '--json', '--instrumentation', 'xray-sdk'], awsEnv);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout).steps[0].details).toMatchObject({ instrumentation: 'xray-sdk', updated: ['code'] });
    expect(await codeSha()).toBe(xraySdk.sha256);

    const down = await sb.run(['teardown', '--target', 'aws', '--yes', '--json'], awsEnv);
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout).failed).toEqual([]);
    expect((await new LambdaClient(cfg()).send(new ListFunctionsCommand({}))).Functions).toEqual([]);
    expect((await new IAMClient(cfg()).send(new ListRolesCommand({}))).Roles!.filter((r) => r.RoleName === 'XRayLambdaRole')).toEqual([]);
  });
});
