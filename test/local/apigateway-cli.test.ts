import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { ACCOUNT, InProcessLambda, REGION, invokePath, lambdaUri } from './apigateway-helpers.js';
import { TEST_CREDENTIALS_ENV } from '../support/local-cloud.js';

const AWS = '/usr/bin/aws';
/** Each CLI run costs about a second of Python start-up; the lab sequence is ten of them. */
const CLI_TIMEOUT = 120_000;
function cliVersion(): string {
  try {
    return execFileSync(AWS, ['--version'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}
const hasCliV2 = cliVersion().startsWith('aws-cli/2');
if (!hasCliV2) console.log(`skipping API Gateway AWS CLI tests: ${AWS} is not AWS CLI v2`);

let cloud: LocalCloud;
const lambda = new InProcessLambda({ 'user-service': () => ({ statusCode: 200, body: '{"userId":"user123"}' }) });

/** Runs the AWS CLI against the local cloud; resolves with exit code and output, never throws. */
function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp',
    ...TEST_CREDENTIALS_ENV, AWS_DEFAULT_REGION: REGION, AWS_PAGER: '',
    AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
  return new Promise((resolve) => {
    execFile(AWS, ['--endpoint-url', cloud.endpoint, ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: stdout.trim(), stderr });
    });
  });
}
async function ok(...args: string[]): Promise<string> {
  const r = await aws(...args);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!hasCliV2)('API Gateway through the AWS CLI v2 (lab step 4)', () => {
  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, apigateway: { invoker: lambda } });
  });
  afterAll(async () => cloud?.close());

  it('runs the lab commands, then serves /users/user123 and the stage shows tracing', async () => {
    const apiId = await ok('apigateway', 'create-rest-api', '--name', 'user-api', '--description', 'User service API with X-Ray tracing', '--query', 'id', '--output', 'text');
    const rootId = await ok('apigateway', 'get-resources', '--rest-api-id', apiId, '--query', 'items[0].id', '--output', 'text');
    const usersId = await ok('apigateway', 'create-resource', '--rest-api-id', apiId, '--parent-id', rootId, '--path-part', 'users', '--query', 'id', '--output', 'text');
    const userId = await ok('apigateway', 'create-resource', '--rest-api-id', apiId, '--parent-id', usersId, '--path-part', '{userId}', '--query', 'id', '--output', 'text');
    await ok('apigateway', 'put-method', '--rest-api-id', apiId, '--resource-id', userId, '--http-method', 'GET', '--authorization-type', 'NONE');
    await ok('apigateway', 'put-integration', '--rest-api-id', apiId, '--resource-id', userId, '--http-method', 'GET', '--type', 'AWS_PROXY',
      '--integration-http-method', 'POST', '--uri', lambdaUri('user-service'));
    await ok('apigateway', 'create-deployment', '--rest-api-id', apiId, '--stage-name', 'prod');
    await ok('apigateway', 'update-stage', '--rest-api-id', apiId, '--stage-name', 'prod', '--patch-operations', 'op=replace,path=/tracingEnabled,value=true');
    const tracing = await ok('apigateway', 'get-stage', '--rest-api-id', apiId, '--stage-name', 'prod', '--query', 'tracingEnabled', '--output', 'text');
    const res = await fetch(`${cloud.endpoint}${invokePath(apiId, '/users/user123')}`);

    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(rootId).toMatch(/^[a-z0-9]{6}$/);
    expect(tracing).toBe('True');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: 'user123' });
    expect(lambda.calls.at(-1)!.functionArn).toBe(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:user-service`);
  }, CLI_TIMEOUT);

  it('rejects the lab guide\'s --patch-ops abbreviation (CLI v2 wants --patch-operations)', async () => {
    const apiId = await ok('apigateway', 'create-rest-api', '--name', 'abbrev', '--query', 'id', '--output', 'text');

    const r = await aws('apigateway', 'update-stage', '--rest-api-id', apiId, '--stage-name', 'prod', '--patch-ops', 'op=replace,path=/tracingEnabled,value=true');

    expect(r.code).toBe(252);
    expect(r.stderr).toContain('Unknown options: --patch-ops');
  }, CLI_TIMEOUT);

  it('reports NotFoundException for an unknown API and retries a throttled delete-rest-api', async () => {
    const apiId = await ok('apigateway', 'create-rest-api', '--name', 'doomed', '--query', 'id', '--output', 'text');
    cloud.env.faults.apigatewayDeleteThrottles = 1;

    const missing = await aws('apigateway', 'get-rest-api', '--rest-api-id', 'nope000000');
    const deleted = await aws('apigateway', 'delete-rest-api', '--rest-api-id', apiId);
    const gone = await aws('apigateway', 'get-rest-api', '--rest-api-id', apiId);

    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain(`(NotFoundException) when calling the GetRestApi operation: Invalid API identifier specified ${ACCOUNT}:nope000000`);
    expect(deleted.code).toBe(0);
    expect(cloud.env.faults.apigatewayDeleteThrottles).toBe(0);
    expect(gone.code).toBe(254);
  }, CLI_TIMEOUT);
});
