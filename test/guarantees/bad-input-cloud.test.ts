/**
 * Bad-input catalogue, local-cloud half: sampling rules, filter expressions, segment documents and
 * API payloads of every service the lab uses, each refused with AWS's error code and a message
 * that names the problem — and after each, the lab's resources are exactly what they were, and a
 * refused segment's trace was not stored.
 */
import { APIGatewayClient, CreateResourceCommand, GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, CreateLogGroupCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BatchGetTracesCommand, CreateSamplingRuleCommand, DeleteSamplingRuleCommand, GetTraceSummariesCommand, PutTraceSegmentsCommand, UpdateSamplingRuleCommand, XRayClient, type SamplingRule } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../src/lab/runner.js';
import type { LocalCloud } from '../../src/local/server.js';
import { steps } from '../../steps/index.js';
import { createRole, handlerZip, TRUST } from '../local/lambda-fixtures.js';
import { clientConfig, TEST_CREDENTIALS, withLocalCloud } from '../support/local-cloud.js';
import { inventory, labContext } from './support.js';

interface Clients {
  xray: XRayClient; ddb: DynamoDBClient; iam: IAMClient; lambda: LambdaClient; apigw: APIGatewayClient; logs: CloudWatchLogsClient;
  roleArn: string;
}

/** What a refusal looked like: the error's name (or a segment's ErrorCode) and its message. */
interface Refusal { code: string; message: string }

interface Case { name: string; act(c: Clients): Promise<unknown>; code: string; fragment: string; traceId?: string }

const RULE: SamplingRule = {
  RuleName: 'catalogue-rule', ResourceARN: '*', Priority: 5000, FixedRate: 0.1, ReservoirSize: 1,
  ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1,
};
const EPOCH = Math.floor(Date.now() / 1000);
const TRACE = (n: number) => `1-${EPOCH.toString(16)}-${n.toString(16).padStart(24, '0')}`;
const seg = (over: Record<string, unknown>) => JSON.stringify({ name: 'svc', id: '0123456789abcdef', trace_id: TRACE(1), start_time: EPOCH, end_time: EPOCH + 1, ...over });
const rule = (over: Partial<SamplingRule> & Record<string, unknown>) => new CreateSamplingRuleCommand({ SamplingRule: { ...RULE, ...over } as SamplingRule });
const filter = (FilterExpression: string) => new GetTraceSummariesCommand({ StartTime: new Date((EPOCH - 600) * 1000), EndTime: new Date(EPOCH * 1000), FilterExpression });
const put = (doc: string) => new PutTraceSegmentsCommand({ TraceSegmentDocuments: [doc] });

const CASES: Case[] = [
  // Sampling rules
  { name: 'rule: FixedRate given as a percentage', act: (c) => c.xray.send(rule({ FixedRate: 50 })), code: 'InvalidRequestException', fragment: 'FixedRate must be a number from 0 to 1' },
  { name: 'rule: Priority 0', act: (c) => c.xray.send(rule({ Priority: 0 })), code: 'InvalidRequestException', fragment: 'Priority must be an integer from 1 to 9999' },
  { name: 'rule: Version 2', act: (c) => c.xray.send(rule({ Version: 2 })), code: 'InvalidRequestException', fragment: 'Version must be 1' },
  { name: 'rule: name over 32 characters', act: (c) => c.xray.send(rule({ RuleName: 'r'.repeat(33) })), code: 'InvalidRequestException', fragment: 'RuleName must be 1 to 32 characters' },
  { name: 'rule: the reserved name Default', act: (c) => c.xray.send(rule({ RuleName: 'Default' })), code: 'InvalidRequestException', fragment: 'reserved' },
  { name: "rule: the lab's own rule name again", act: (c) => c.xray.send(rule({ RuleName: 'xray-lab-user-api-prod' })), code: 'InvalidRequestException', fragment: 'already exists' },
  { name: 'rule: ServiceName over 64 characters', act: (c) => c.xray.send(rule({ ServiceName: 's'.repeat(65) })), code: 'InvalidRequestException', fragment: 'ServiceName must be a string of at most 64' },
  { name: 'rule: negative ReservoirSize', act: (c) => c.xray.send(rule({ ReservoirSize: -1 })), code: 'InvalidRequestException', fragment: 'ReservoirSize must be a non-negative integer' },
  { name: 'rule update: Default with FixedRate 2', act: (c) => c.xray.send(new UpdateSamplingRuleCommand({ SamplingRuleUpdate: { RuleName: 'Default', FixedRate: 2 } })), code: 'InvalidRequestException', fragment: 'FixedRate' },
  { name: 'rule delete: a rule that does not exist', act: (c) => c.xray.send(new DeleteSamplingRuleCommand({ RuleName: 'no-such-rule' })), code: 'InvalidRequestException', fragment: 'no-such-rule' },
  // Filter expressions
  { name: 'filter: unterminated service(', act: (c) => c.xray.send(filter('service("user-service"')), code: 'InvalidRequestException', fragment: 'Invalid filter expression at position' },
  { name: 'filter: comparison without a value', act: (c) => c.xray.send(filter('responsetime >')), code: 'InvalidRequestException', fragment: 'Invalid filter expression at position' },
  { name: 'filter: unknown keyword', act: (c) => c.xray.send(filter('latencyy > 1')), code: 'InvalidRequestException', fragment: 'latencyy' },
  { name: 'filter: a string where a number belongs', act: (c) => c.xray.send(filter('duration > "slow"')), code: 'InvalidRequestException', fragment: 'Invalid filter expression at position' },
  { name: 'filter: unbalanced parentheses', act: (c) => c.xray.send(filter('(error AND fault')), code: 'InvalidRequestException', fragment: 'Invalid filter expression at position' },
  // Segment documents (refused per document, not per call)
  { name: 'segment: not JSON', act: (c) => c.xray.send(put('{"name":')), code: 'InvalidJson', fragment: 'not valid JSON' },
  { name: 'segment: trace id of the wrong shape', act: (c) => c.xray.send(put(seg({ trace_id: '1-abc-def' }))), code: 'InvalidTraceId', fragment: 'trace_id must match' },
  { name: 'segment: id of 15 digits', act: (c) => c.xray.send(put(seg({ id: '0123456789abcde', trace_id: TRACE(2) }))), code: 'InvalidSegmentId', fragment: '16 hexadecimal digits', traceId: TRACE(2) },
  { name: 'segment: no name', act: (c) => c.xray.send(put(seg({ name: '', trace_id: TRACE(3) }))), code: 'MissingName', fragment: 'name is required', traceId: TRACE(3) },
  { name: 'segment: neither end_time nor in_progress', act: (c) => c.xray.send(put(seg({ end_time: undefined, trace_id: TRACE(4) }))), code: 'InvalidTiming', fragment: 'exactly one of end_time or in_progress=true is required', traceId: TRACE(4) },
  { name: 'segment: annotation holding an object', act: (c) => c.xray.send(put(seg({ annotations: { a: { b: 1 } }, trace_id: TRACE(5) }))), code: 'InvalidAnnotations', fragment: 'annotation a', traceId: TRACE(5) },
  { name: 'segment: over 64 KiB', act: (c) => c.xray.send(put(seg({ trace_id: TRACE(6), metadata: { pad: 'p'.repeat(70_000) } }))), code: 'DocumentTooLarge', fragment: 'exceeds 65536 bytes', traceId: TRACE(6) },
  // DynamoDB
  { name: 'dynamodb: PutItem into a missing table', act: (c) => c.ddb.send(new PutItemCommand({ TableName: 'NoSuchTable', Item: { userId: { S: 'u' } } })), code: 'ResourceNotFoundException', fragment: 'not found' },
  { name: 'dynamodb: PutItem without the key', act: (c) => c.ddb.send(new PutItemCommand({ TableName: 'UserProfiles', Item: { name: { S: 'x' } } })), code: 'ValidationException', fragment: 'key' },
  { name: 'dynamodb: CreateTable keyed on an undefined attribute', act: (c) => c.ddb.send(new CreateTableCommand({ TableName: 'CatalogueTable', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' })), code: 'ValidationException', fragment: 'attribute' },
  // IAM
  { name: 'iam: CreateRole with a trust policy that is not JSON', act: (c) => c.iam.send(new CreateRoleCommand({ RoleName: 'catalogue-role', AssumeRolePolicyDocument: '{"Version":' })), code: 'MalformedPolicyDocumentException', fragment: 'syntax errors in policy' },
  { name: 'iam: CreateRole with a name IAM forbids', act: (c) => c.iam.send(new CreateRoleCommand({ RoleName: 'bad name/!', AssumeRolePolicyDocument: TRUST })), code: 'ValidationError', fragment: 'roleName' },
  { name: 'iam: GetRole of a missing role', act: (c) => c.iam.send(new GetRoleCommand({ RoleName: 'no-such-role' })), code: 'NoSuchEntityException', fragment: 'no-such-role' },
  // Lambda
  { name: 'lambda: CreateFunction with a role that does not exist', act: async (c) => c.lambda.send(new CreateFunctionCommand({ FunctionName: 'catalogue-fn', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::000000000000:role/missing', Handler: 'index.handler', Code: { ZipFile: await handlerZip() } })), code: 'InvalidParameterValueException', fragment: 'cannot be assumed' },
  { name: 'lambda: CreateFunction with a zip that is not a zip', act: (c) => c.lambda.send(new CreateFunctionCommand({ FunctionName: 'catalogue-fn', Runtime: 'nodejs22.x', Role: c.roleArn, Handler: 'index.handler', Code: { ZipFile: Buffer.from('not a zip') } })), code: 'InvalidParameterValueException', fragment: 'Could not unzip' },
  { name: 'lambda: CreateFunction with an unknown runtime', act: async (c) => c.lambda.send(new CreateFunctionCommand({ FunctionName: 'catalogue-fn', Runtime: 'nodejs99.x' as 'nodejs22.x', Role: c.roleArn, Handler: 'index.handler', Code: { ZipFile: await handlerZip() } })), code: 'InvalidParameterValueException', fragment: 'nodejs99.x' },
  { name: 'lambda: CreateFunction with Timeout 0', act: async (c) => c.lambda.send(new CreateFunctionCommand({ FunctionName: 'catalogue-fn', Runtime: 'nodejs22.x', Role: c.roleArn, Handler: 'index.handler', Timeout: 0, Code: { ZipFile: await handlerZip() } })), code: 'ValidationException', fragment: 'timeout' },
  { name: 'lambda: Invoke a missing function', act: (c) => c.lambda.send(new InvokeCommand({ FunctionName: 'no-such-fn' })), code: 'ResourceNotFoundException', fragment: 'no-such-fn' },
  // API Gateway
  { name: 'apigateway: GetRestApi of a missing API', act: (c) => c.apigw.send(new GetRestApiCommand({ restApiId: 'nosuchapi0' })), code: 'NotFoundException', fragment: 'Invalid API identifier specified' },
  { name: 'apigateway: CreateResource under a missing API', act: (c) => c.apigw.send(new CreateResourceCommand({ restApiId: 'nosuchapi0', parentId: 'abc', pathPart: 'users' })), code: 'NotFoundException', fragment: 'Invalid API identifier specified' },
  // CloudWatch Logs
  { name: 'logs: PutLogEvents to a missing group', act: (c) => c.logs.send(new PutLogEventsCommand({ logGroupName: '/no/such/group', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'x' }] })), code: 'ResourceNotFoundException', fragment: 'log group does not exist' },
  { name: 'logs: CreateLogGroup with a forbidden character', act: (c) => c.logs.send(new CreateLogGroupCommand({ logGroupName: 'bad*name' })), code: 'InvalidParameterException', fragment: 'validation error detected' },
];

async function refusal(p: Promise<unknown>): Promise<Refusal> {
  try {
    const out = (await p) as { UnprocessedTraceSegments?: { ErrorCode?: string; Message?: string }[] };
    const u = out?.UnprocessedTraceSegments?.[0];
    if (u) return { code: u.ErrorCode ?? '', message: u.Message ?? '' };
    return { code: 'accepted', message: JSON.stringify(out) };
  } catch (e) {
    return { code: (e as Error).name, message: (e as Error).message };
  }
}

describe('bad-input catalogue: the local cloud', () => {
  let cloud: LocalCloud;
  let c: Clients;
  let before: string[];

  beforeAll(async () => {
    cloud = await withLocalCloud();
    const made = await labContext(cloud.endpoint, cloud.env.accountId);
    await runSteps(made.ctx, steps, steps.filter((s) => !s.readOnly));
    await made.close();
    const cfg = clientConfig(cloud);
    c = { xray: new XRayClient(cfg), ddb: new DynamoDBClient(cfg), iam: new IAMClient(cfg), lambda: new LambdaClient(cfg), apigw: new APIGatewayClient(cfg), logs: new CloudWatchLogsClient(cfg), roleArn: '' };
    c.roleArn = await createRole(cloud.endpoint, 'catalogue-existing-role');
    before = await inventory(cloud.endpoint);
  });
  afterAll(async () => {
    for (const k of ['xray', 'ddb', 'iam', 'lambda', 'apigw', 'logs'] as const) c[k].destroy();
    await cloud.close();
  });

  it('has at least 35 cases of its own', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(35);
  });

  it.each(CASES.map((k) => [k.name, k] as const))('%s', async (_name, k) => {
    const got = await refusal(k.act(c));

    expect(got.code, got.message).toBe(k.code);
    expect(got.message.toLowerCase()).toContain(k.fragment.toLowerCase());
    expect(got.message).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    expect(await inventory(cloud.endpoint)).toEqual(before);
    if (k.traceId) {
      const stored = await c.xray.send(new BatchGetTracesCommand({ TraceIds: [k.traceId] }));
      expect(stored.Traces ?? []).toEqual([]);
    }
  });
});
