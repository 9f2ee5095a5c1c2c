import {
  AddPermissionCommand, CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, GetFunctionConfigurationCommand,
  GetPolicyCommand, InvokeCommand, LambdaClient, ListFunctionsCommand, ListTagsCommand, RemovePermissionCommand,
  TagResourceCommand, UntagResourceCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2, type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { createRole, credentials, handlerZip } from './lambda-fixtures.js';

let cloud: LocalCloud;
let lambda: LambdaClient;
let roleArn: string;
const clock = { t: Date.UTC(2026, 0, 1), now() { return this.t; } };

beforeEach(async () => {
  clock.t = Date.UTC(2026, 0, 1);
  cloud = await startLocalCloud({ port: 0, clock });
  lambda = new LambdaClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  roleArn = await createRole(cloud.endpoint);
});
afterEach(async () => {
  lambda.destroy();
  await cloud.close();
});

async function create(overrides: Partial<CreateFunctionCommandInput> = {}) {
  return lambda.send(new CreateFunctionCommand({
    FunctionName: 'user-service', Runtime: 'nodejs22.x', Role: roleArn, Handler: 'index.handler',
    Code: { ZipFile: await handlerZip() }, Timeout: 30, TracingConfig: { Mode: 'Active' }, ...overrides,
  }));
}
/** Settles a call that should fail to its error at once, so no rejection sits unhandled while later calls run. */
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const decode = (b: Uint8Array | undefined) => JSON.parse(Buffer.from(b ?? []).toString('utf8')) as Record<string, unknown>;

describe('CreateFunction and reads', () => {
  it('answers a FunctionConfiguration that is Active at once, with the zip hash and Lambda timestamp format', async () => {
    const zip = await handlerZip();

    const cfg = await create({ Code: { ZipFile: zip }, Tags: { app: 'xray-lab' } });
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 5 }, { FunctionName: 'user-service' });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: cfg.FunctionArn }));
    const code = await fetch(got.Code!.Location!);

    expect(cfg).toMatchObject({
      FunctionName: 'user-service', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:user-service',
      State: 'Active', LastUpdateStatus: 'Successful', Version: '$LATEST', Timeout: 30, MemorySize: 128,
      TracingConfig: { Mode: 'Active' }, CodeSha256: createHash('sha256').update(zip).digest('base64'), CodeSize: zip.length,
      LastModified: '2026-01-01T00:00:00.000+0000', LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/user-service' },
    });
    expect(cfg.RevisionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.Tags).toEqual({ app: 'xray-lab' });
    expect(got.Code?.RepositoryType).toBe('S3');
    expect(Buffer.from(await code.arrayBuffer()).equals(zip)).toBe(true);
  });

  it('lists functions page by page', async () => {
    for (const n of ['a', 'b', 'c']) await create({ FunctionName: n });

    const first = await lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
    const second = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: first.NextMarker }));

    expect(first.Functions?.map((f) => f.FunctionName)).toEqual(['a', 'b']);
    expect(second.Functions?.map((f) => f.FunctionName)).toEqual(['c']);
    expect(second.NextMarker).toBeUndefined();
  });

  it('refuses duplicates, bad inputs and unknown functions with AWS codes and messages', async () => {
    await create();

    const dup = await failure(create());
    const badName = await failure(create({ FunctionName: 'bad name' }));
    const badRole = await failure(create({ FunctionName: 'x', Role: 'not-an-arn' }));
    const badRuntime = await failure(create({ FunctionName: 'x', Runtime: 'cobol1' as never }));
    const badHandler = await failure(create({ FunctionName: 'x', Handler: 'index' }));
    const badTimeout = await failure(create({ FunctionName: 'x', Timeout: 901 }));
    const badMemory = await failure(create({ FunctionName: 'x', MemorySize: 64 }));
    const reserved = await failure(create({ FunctionName: 'x', Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }));
    const badTracing = await failure(create({ FunctionName: 'x', TracingConfig: { Mode: 'Sometimes' as never } }));
    const missing = await failure(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })));

    expect(dup).toMatchObject({ name: 'ResourceConflictException', message: 'Function already exist: user-service', $metadata: { httpStatusCode: 409 } });
    expect(badName).toMatchObject({ name: 'ValidationException' });
    expect(badRole).toMatchObject({ name: 'ValidationException' });
    expect(badRuntime).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(badHandler).toMatchObject({ name: 'InvalidParameterValueException' });
    expect(badTimeout).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('less than or equal to 900') });
    expect(badMemory).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('greater than or equal to 128') });
    expect(reserved).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('Reserved keys used in this request: AWS_REGION') });
    expect(badTracing).toMatchObject({ name: 'ValidationException' });
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope', $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a role that does not exist with the message the lab retries on', async () => {
    const res = create({ Role: 'arn:aws:iam::000000000000:role/Missing' });

    await expect(res).rejects.toMatchObject({ name: 'InvalidParameterValueException', message: 'The role defined for the function cannot be assumed by Lambda.' });
  });
});

describe('updates, permissions, tags, delete', () => {
  it('updates code and configuration with new revisions', async () => {
    const before = await create();
    const newZip = await handlerZip(`exports.handler = async () => 'v2';`);

    const code = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'user-service', ZipFile: newZip }));
    const conf = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'user-service', Timeout: 10, Environment: { Variables: { GREETING: 'hi' } } }));
    const stale = await failure(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'user-service', Timeout: 11, RevisionId: before.RevisionId })));

    expect(code.CodeSha256).toBe(createHash('sha256').update(newZip).digest('base64'));
    expect(code.RevisionId).not.toBe(before.RevisionId);
    expect(conf).toMatchObject({ Timeout: 10, Environment: { Variables: { GREETING: 'hi' } }, CodeSha256: code.CodeSha256 });
    expect(stale).toMatchObject({ name: 'PreconditionFailedException' });
  });

  it('adds, reads and removes permissions, and answers hasPermission for the API Gateway data plane', async () => {
    await create();
    const sourceArn = 'arn:aws:execute-api:us-east-1:000000000000:abc123/*/*';
    const noPolicy = lambda.send(new GetPolicyCommand({ FunctionName: 'user-service' }));
    await expect(noPolicy).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' });

    const added = await lambda.send(new AddPermissionCommand({
      FunctionName: 'user-service', StatementId: 'apigateway-invoke', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com', SourceArn: sourceArn,
    }));
    const again = await failure(lambda.send(new AddPermissionCommand({ FunctionName: 'user-service', StatementId: 'apigateway-invoke', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' })));
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'user-service' }));
    const allowed = cloud.lambda.hasPermission('user-service', 'apigateway.amazonaws.com', 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/users/u1');
    const otherApi = cloud.lambda.hasPermission('user-service', 'apigateway.amazonaws.com', 'arn:aws:execute-api:us-east-1:000000000000:zzz999/prod/GET/users');
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'user-service', StatementId: 'apigateway-invoke' }));
    const afterRemove = cloud.lambda.hasPermission('user-service', 'apigateway.amazonaws.com', 'arn:aws:execute-api:us-east-1:000000000000:abc123/prod/GET/users/u1');

    expect(JSON.parse(added.Statement!)).toMatchObject({
      Sid: 'apigateway-invoke', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:user-service', Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
    });
    expect(again).toMatchObject({ name: 'ResourceConflictException' });
    expect(JSON.parse(policy.Policy!).Statement).toHaveLength(1);
    expect(allowed).toBe(true);
    expect(otherApi).toBe(false);
    expect(afterRemove).toBe(false);
  });

  it('tags by ARN and deletes, after which the function is gone', async () => {
    const { FunctionArn } = await create();

    await lambda.send(new TagResourceCommand({ Resource: FunctionArn, Tags: { a: '1', b: '2' } }));
    await lambda.send(new UntagResourceCommand({ Resource: FunctionArn, TagKeys: ['a'] }));
    const tags = await lambda.send(new ListTagsCommand({ Resource: FunctionArn }));
    const deleted = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'user-service' }));
    const gone = await failure(lambda.send(new GetFunctionCommand({ FunctionName: 'user-service' })));

    expect(tags.Tags).toEqual({ b: '2' });
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('Invoke', () => {
  it('runs the handler, returns its result and Tail log, and creates the /aws/lambda log group', async () => {
    await create({ Environment: { Variables: { GREETING: 'hello' } } });
    const logs = new CloudWatchLogsClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials });

    const res = await lambda.send(new InvokeCommand({ FunctionName: 'user-service', LogType: 'Tail', Payload: JSON.stringify({ httpMethod: 'GET', path: '/users/user123' }) }));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/user-service' }));
    const lines = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/user-service', filterPattern: 'handling' }));
    logs.destroy();

    expect(res.StatusCode).toBe(200);
    expect(res.ExecutedVersion).toBe('$LATEST');
    expect(res.FunctionError).toBeUndefined();
    expect(JSON.parse(decode(res.Payload).body as string)).toEqual({ path: '/users/user123', method: 'GET', fn: 'user-service', greeting: 'hello' });
    expect(Buffer.from(res.LogResult!, 'base64').toString()).toContain('handling /users/user123');
    expect(groups.logGroups?.map((g) => g.logGroupName)).toEqual(['/aws/lambda/user-service']);
    expect(lines.events?.[0]?.message).toContain('handling /users/user123');
  });

  it('reports a thrown error as FunctionError Unhandled with status 200', async () => {
    await create();

    const res = await lambda.send(new InvokeCommand({ FunctionName: 'user-service', Payload: JSON.stringify({ fail: true }) }));

    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    expect(decode(res.Payload)).toMatchObject({ errorType: 'Error', errorMessage: 'asked to fail' });
  });

  it('answers 202 for Event and 204 for DryRun, and rejects non-JSON payloads like Lambda', async () => {
    await create();

    const event = await lambda.send(new InvokeCommand({ FunctionName: 'user-service', InvocationType: 'Event', Payload: '{}' }));
    const dry = await lambda.send(new InvokeCommand({ FunctionName: 'user-service', InvocationType: 'DryRun' }));
    const bad = await failure(lambda.send(new InvokeCommand({ FunctionName: 'user-service', Payload: 'not json' })));
    const huge = await failure(lambda.send(new InvokeCommand({ FunctionName: 'user-service', Payload: JSON.stringify({ x: 'y'.repeat(6 * 1024 * 1024) }) })));

    expect(event.StatusCode).toBe(202);
    expect(dry.StatusCode).toBe(204);
    expect(bad).toMatchObject({ name: 'InvalidRequestContentException', message: expect.stringMatching(/^Could not parse request body into json: /) });
    expect(huge).toMatchObject({ name: 'RequestTooLargeException', $metadata: { httpStatusCode: 413 } });
  });

  it('refuses to create a Python function it could never run, naming the runtimes it can run', async () => {
    const res = create({ FunctionName: 'py', Runtime: 'python3.12', Handler: 'lambda_function.lambda_handler' });

    await expect(res).rejects.toMatchObject({
      name: 'NotImplemented', $metadata: { httpStatusCode: 501 },
      message: 'The xray-lab local cloud runs only Node.js functions, so a python3.12 function could never be invoked here. Use one of: nodejs16.x, nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x.',
    });
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'py' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('invokes by ARN for the API Gateway data plane and says not-found for unknown functions', async () => {
    const { FunctionArn } = await create();

    const result = await cloud.lambda.invokeByArn(FunctionArn!, Buffer.from(JSON.stringify({ path: '/users/u1' })));
    const missing = await cloud.lambda.invokeByArn('arn:aws:lambda:us-east-1:000000000000:function:nope', Buffer.from('{}'));

    expect(result).not.toBe('not-found');
    expect(JSON.parse(JSON.parse((result as { payload: Buffer }).payload.toString()).body)).toMatchObject({ path: '/users/u1' });
    expect(missing).toBe('not-found');
  });
});
