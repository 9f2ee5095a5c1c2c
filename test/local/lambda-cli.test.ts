/** The lab's own Lambda and Logs commands, through the real AWS CLI v2 against the local cloud. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { createRole, handlerZip } from './lambda-fixtures.js';
import { TEST_CREDENTIALS_ENV } from '../support/local-cloud.js';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';

async function cliVersion(): Promise<string> {
  try {
    return (await run(AWS, ['--version'])).stdout;
  } catch {
    return '';
  }
}
const version = await cliVersion();
const hasCliV2 = version.startsWith('aws-cli/2');
if (!hasCliV2) console.warn('Skipping AWS CLI tests: /usr/bin/aws is not AWS CLI v2.');

describe.skipIf(!hasCliV2)('AWS CLI v2 against the local Lambda and Logs', () => {
  let cloud: LocalCloud;
  let dir: string;
  let roleArn: string;
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...TEST_CREDENTIALS_ENV, AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '',
  };
  const aws = async (...args: string[]) => {
    const { stdout } = await run(AWS, [...args, '--endpoint-url', cloud.endpoint, '--output', 'json'], { env, cwd: dir });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  };
  const awsFails = (...args: string[]) =>
    run(AWS, [...args, '--endpoint-url', cloud.endpoint], { env, cwd: dir }).then(() => '', (e: { stderr: string }) => e.stderr);

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'xray-lab-cli-'));
    writeFileSync(join(dir, 'fn.zip'), await handlerZip());
    roleArn = await createRole(cloud.endpoint);
  });
  afterAll(async () => {
    await cloud?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, waits for, inspects, permits, invokes and deletes the function like the lab guide', async () => {
    const created = await aws('lambda', 'create-function', '--function-name', 'user-service', '--runtime', 'nodejs22.x', '--role', roleArn,
      '--handler', 'index.handler', '--zip-file', 'fileb://fn.zip', '--timeout', '30', '--tracing-config', 'Mode=Active');
    await aws('lambda', 'wait', 'function-active-v2', '--function-name', 'user-service');
    const config = await aws('lambda', 'get-function-configuration', '--function-name', 'user-service');
    const permission = await aws('lambda', 'add-permission', '--function-name', 'user-service', '--statement-id', 'apigateway-invoke',
      '--action', 'lambda:InvokeFunction', '--principal', 'apigateway.amazonaws.com', '--source-arn', 'arn:aws:execute-api:us-east-1:000000000000:abc123/*/*');
    const invoked = await aws('lambda', 'invoke', '--function-name', 'user-service', '--payload', '{"httpMethod":"GET","path":"/users/user123"}',
      '--cli-binary-format', 'raw-in-base64-out', 'out.json');
    const result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { body: string };
    const groups = await aws('logs', 'describe-log-groups', '--log-group-name-prefix', '/aws/lambda/user-service');
    await aws('lambda', 'delete-function', '--function-name', 'user-service');
    const afterDelete = await awsFails('lambda', 'get-function', '--function-name', 'user-service');

    expect(created).toMatchObject({ FunctionName: 'user-service', State: 'Active', TracingConfig: { Mode: 'Active' } });
    expect(config).toMatchObject({ Timeout: 30, Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(JSON.parse(permission.Statement as string)).toMatchObject({ Sid: 'apigateway-invoke' });
    expect(invoked).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(result.body)).toMatchObject({ path: '/users/user123', method: 'GET' });
    expect((groups.logGroups as { logGroupName: string }[]).map((g) => g.logGroupName)).toEqual(['/aws/lambda/user-service']);
    expect(afterDelete).toContain('ResourceNotFoundException');
  });

  it('fails an invoke without --cli-binary-format the way AWS does', async () => {
    await aws('lambda', 'create-function', '--function-name', 'raw', '--runtime', 'nodejs22.x', '--role', roleArn, '--handler', 'index.handler', '--zip-file', 'fileb://fn.zip');

    const labPayload = await awsFails('lambda', 'invoke', '--function-name', 'raw', '--payload', '{"httpMethod":"GET","path":"/users/user123"}', 'out2.json');
    const notJson = await awsFails('lambda', 'invoke', '--function-name', 'raw', '--payload', Buffer.from('hello').toString('base64'), 'out3.json');

    // CLI v2 reads --payload as base64 by default: the lab's raw JSON never leaves the machine (as with real AWS),
    // and bytes that do arrive but are not JSON get Lambda's InvalidRequestContentException.
    expect(labPayload).toContain('Invalid base64');
    expect(notJson).toContain('InvalidRequestContentException');
    expect(notJson).toContain('Could not parse request body into json');
  });
});
