/** `xray-lab doctor` against the lab's stack on an in-process local cloud: healthy, then broken the guide's ways. */
import { UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { DetachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient, RemovePermissionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { describe, expect } from 'vitest';
import { apiClient } from '../local/apigateway-helpers.js';
import { clientConfig, TEST_CREDENTIALS, TEST_CREDENTIALS_ENV } from '../support/local-cloud.js';
import { labStackTest as it } from '../support/fixtures.js';

const AWS_ENV = TEST_CREDENTIALS_ENV;
type Report = { ok: boolean; checks: { id: string; status: string; detail: string; hint?: string }[] };
const byId = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, c]));

describe('doctor on the local target', () => {
  it('passes every check on a healthy lab and finds its resources by their guide names', async ({ stack, box }) => {
    const r = await box.run(['doctor', '--endpoint-url', stack.cloud.endpoint, '--json']);

    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Report;
    const c = byId(out);
    expect(out.ok).toBe(true);
    for (const id of ['node', 'region', 'local-cloud', 'identity', 'permissions', 'table', 'function', 'function-tracing', 'role-xray', 'api', 'stage-tracing', 'invoke-permission']) {
      expect(c[id]?.status, id).toBe('ok');
    }
    expect(c['api']!.detail).toContain(stack.apiId);
    expect(c['identity']!.detail).toMatch(/fixed local credentials/);
  }, 60_000);

  it('names each of the guide\'s failures: tracing off on function and stage, no X-Ray permission, no invoke permission', async ({ stack, box }) => {
    const cfg = clientConfig(stack.cloud);
    const lambda = new LambdaClient(cfg);
    const iam = new IAMClient(cfg);
    const apigw = apiClient(stack.cloud.endpoint);
    try {
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'user-service', TracingConfig: { Mode: 'PassThrough' } }));
      await lambda.send(new RemovePermissionCommand({ FunctionName: 'user-service', StatementId: 'apigateway-invoke' }));
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'XRayLambdaRole', PolicyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' }));
      await apigw.send(new UpdateStageCommand({ restApiId: stack.apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/tracingEnabled', value: 'false' }] }));
    } finally {
      for (const c of [lambda, iam, apigw]) c.destroy();
    }

    const json = await box.run(['doctor', '--endpoint-url', stack.cloud.endpoint, '--json']);
    const human = await box.run(['doctor', '--endpoint-url', stack.cloud.endpoint]);

    expect(json.code).toBe(2);
    const c = byId(JSON.parse(json.stdout) as Report);
    expect(c['function-tracing']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/PassThrough/) });
    expect(c['stage-tracing']).toMatchObject({ status: 'fail', hint: expect.stringMatching(/tracingEnabled,value=true/) });
    expect(c['role-xray']).toMatchObject({ status: 'fail', hint: expect.stringMatching(/AWSXRayDaemonWriteAccess/) });
    expect(c['invoke-permission']).toMatchObject({ status: 'fail', detail: expect.stringMatching(/500/) });
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/^✖ Stage tracing: tracing is off/m);
    expect(human.stdout).toMatch(/^ {4}→ aws lambda add-permission/m);
    expect(human.stderr).toMatch(/doctor found 4 problems/);
  }, 60_000);

  it('says the local cloud is not running, and how to start it, without starting it', async ({ box }) => {
    const r = await box.run(['doctor']);

    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/✖ Local cloud: not running\n {4}→ Start it with `xray-lab local start`/);
    expect(r.stdout).not.toMatch(/Credentials/);
  }, 30_000);
});

describe('doctor on the aws target (endpoint pointed at the local cloud)', () => {
  it('names the identity and where its credentials come from, never the secret', async ({ stack, box }) => {
    const r = await box.run(['doctor', '--target', 'aws', '--region', 'us-east-1', '--endpoint-url', stack.cloud.endpoint, '--json'], AWS_ENV);

    const c = byId(JSON.parse(r.stdout) as Report);
    expect(c['identity']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/account 000000000000.*environment variables \(AWS_ACCESS_KEY_ID\)/) });
    expect(c['permissions']!.status).toBe('ok');
    expect(c['endpoint']!.detail).toMatch(/--endpoint-url/);
    expect(r.stdout + r.stderr).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  }, 30_000);

  it('fails the credentials check with exit 2 when there are none', async ({ stack, box }) => {
    const r = await box.run(['doctor', '--target', 'aws', '--region', 'us-east-1', '--endpoint-url', stack.cloud.endpoint]);

    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/✖ Credentials: no credentials found/);
    expect(r.stdout).not.toMatch(/Permissions/);
  }, 30_000);
});
