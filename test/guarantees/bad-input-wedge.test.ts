/**
 * Bad-input catalogue, the inputs that used to wedge or poison the local cloud (issue 13, item 4):
 * each is refused with a 4xx in the service's own error format and a message that says what is wrong,
 * and after each one the cloud still serves, and everything it had acknowledged before is still there.
 * Inputs the SDK would not serialise go out as raw requests, SigV4-signed like an SDK's.
 */
import { createSocket } from 'node:dgram';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, GetLogEventsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, InvokeCommand, LambdaClient, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { BatchGetTracesCommand, GetSamplingStatisticSummariesCommand, GetSamplingTargetsCommand, GetTraceSummariesCommand, PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeterministicZip } from '../../src/lab/packaging/zip.js';
import type { LocalCloud } from '../../src/local/server.js';
import { createRole, handlerZip } from '../local/lambda-fixtures.js';
import { clientConfig, TEST_CREDENTIALS, withLocalCloud } from '../support/local-cloud.js';
import { jsonTarget, queryAction, signedFetch, type RawResponse } from '../support/signed-request.js';

interface Clients { xray: XRayClient; ddb: DynamoDBClient; iam: IAMClient; lambda: LambdaClient; logs: CloudWatchLogsClient; roleArn: string }
/** What a refusal looked like on the wire: HTTP status, AWS error code (or a segment's ErrorCode), message. */
interface Refusal { status: number; code: string; message: string }
interface Case { name: string; act(c: Clients, endpoint: string): Promise<Refusal>; status: number; code: string; fragment: string; traceId?: string }

const NOW = Math.floor(Date.now() / 1000);
const TRACE = (n: number) => `1-${NOW.toString(16)}-${n.toString(16).padStart(24, '0')}`;
const segment = (over: Record<string, unknown>) => JSON.stringify({ name: 'svc', id: '0123456789abcdef', trace_id: TRACE(1), start_time: NOW - 5, end_time: NOW - 4, ...over });
/** JSON nested `depth` levels around `inner`, built as text (JSON.stringify itself would overflow). */
const nested = (depth: number, open: string, close: string, inner: string) => open.repeat(depth) + inner + close.repeat(depth);
const deepSegment = (traceId: string) => segment({ trace_id: traceId, metadata: { default: { deep: '@' } } }).replace('"@"', nested(5000, '{"a":', '}', '1'));
const FN = 'wedge-fn';
const TABLE = 'WedgeTable';
const GROUP = '/wedge/group';
const CONTEXT_HANDLER = `exports.handler = async (event, context) => ({ ok: true, custom: context.clientContext && context.clientContext.custom });`;

/** A raw JSON or XML error answer → its status, code and message. */
function rawRefusal(r: RawResponse): Refusal {
  if (r.json) {
    const type = String(r.json.__type ?? r.headers.get('x-amzn-errortype') ?? 'accepted');
    return { status: r.status, code: type.split('#').pop()!.split(':')[0]!, message: String(r.json.message ?? r.json.Message ?? '') };
  }
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(r.text)?.[1] ?? '';
  return { status: r.status, code: tag('Code') || 'accepted', message: tag('Message').replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&') };
}

/** An SDK call's refusal; a PutTraceSegments answer counts its first unprocessed document as the refusal. */
async function sdkRefusal(p: Promise<unknown>): Promise<Refusal> {
  try {
    const out = (await p) as { UnprocessedTraceSegments?: { ErrorCode?: string; Message?: string }[]; $metadata?: { httpStatusCode?: number } };
    const u = out.UnprocessedTraceSegments?.[0];
    return { status: out.$metadata?.httpStatusCode ?? 200, code: u?.ErrorCode ?? 'accepted', message: u?.Message ?? JSON.stringify(out) };
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { status: err.$metadata?.httpStatusCode ?? 0, code: err.name, message: err.message };
  }
}

const xrayPost = (endpoint: string, path: string, body: unknown) =>
  signedFetch(endpoint, { service: 'xray', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(rawRefusal);
const ddb = (endpoint: string, op: string, body: string) => jsonTarget(endpoint, 'dynamodb', `DynamoDB_20120810.${op}`, body).then(rawRefusal);
const iam = (endpoint: string, params: string) => queryAction(endpoint, 'iam', `Version=2010-05-08&${params}`).then(rawRefusal);
const stats = (over: Record<string, unknown>) => ({ SamplingStatisticsDocuments: [{ RuleName: 'Default', ClientID: '0123456789abcdef01234567', Timestamp: NOW, RequestCount: 3, SampledCount: 1, BorrowCount: 0, ...over }] });
const logEvents = (sizes: number[]) => sizes.map((n) => ({ timestamp: Date.now(), message: 'x'.repeat(n) }));
const invokeWith = (c: Clients, ClientContext: string) => sdkRefusal(c.lambda.send(new InvokeCommand({ FunctionName: FN, ClientContext })));

const CASES: Case[] = [
  // X-Ray: documents that cannot be stored safely are refused per document, like any invalid one
  { name: 'xray: a segment nested 5,000 deep', act: (c) => sdkRefusal(c.xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [deepSegment(TRACE(0x10))] }))), status: 200, code: 'DocumentTooDeep', fragment: 'nests deeper than 100 levels', traceId: TRACE(0x10) },
  { name: 'xray: start_time 1e308', act: (c) => sdkRefusal(c.xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [segment({ trace_id: TRACE(0x11), start_time: 1e308, end_time: 1e308 })] }))), status: 200, code: 'InvalidTiming', fragment: 'start_time must be a number of epoch seconds', traceId: TRACE(0x11) },
  { name: 'xray: a segment past the 30-day retention', act: (c) => sdkRefusal(c.xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [segment({ trace_id: TRACE(0x12), start_time: NOW - 40 * 86_400, end_time: NOW - 40 * 86_400 + 1 })] }))), status: 200, code: 'SegmentTooOld', fragment: 'retention', traceId: TRACE(0x12) },
  { name: 'xray: GetServiceGraph with EndTime 1e308', act: (_c, e) => xrayPost(e, '/ServiceGraph', { StartTime: NOW - 60, EndTime: 1e308 }), status: 400, code: 'InvalidRequestException', fragment: 'EndTime must be a timestamp from 1970' },
  { name: 'xray: GetTraceSummaries with a negative StartTime', act: (_c, e) => xrayPost(e, '/TraceSummaries', { StartTime: -5, EndTime: NOW }), status: 400, code: 'InvalidRequestException', fragment: 'StartTime must be a timestamp' },
  { name: 'xray: SamplingTargets with a negative RequestCount', act: (_c, e) => xrayPost(e, '/SamplingTargets', stats({ RequestCount: -5 })), status: 400, code: 'InvalidRequestException', fragment: 'RequestCount must be a whole number from 0 to 2147483647' },
  { name: 'xray: SamplingTargets with SampledCount 1e308', act: (_c, e) => xrayPost(e, '/SamplingTargets', stats({ RequestCount: 5, SampledCount: 1e308 })), status: 400, code: 'InvalidRequestException', fragment: 'SampledCount must be a whole number' },
  { name: 'xray: SamplingTargets with a Timestamp of 1e308', act: (_c, e) => xrayPost(e, '/SamplingTargets', stats({ Timestamp: 1e308 })), status: 400, code: 'InvalidRequestException', fragment: 'Timestamp must be a timestamp' },
  // Lambda: a bad client context is refused before any process is touched
  { name: 'lambda: Client-Context that is not base64', act: (c) => invokeWith(c, 'not base64!'), status: 400, code: 'InvalidRequestContentException', fragment: 'Client context must be a valid Base64-encoded JSON object' },
  { name: 'lambda: Client-Context that is base64 of non-JSON', act: (c) => invokeWith(c, Buffer.from('{"custom":').toString('base64')), status: 400, code: 'InvalidRequestContentException', fragment: 'not JSON' },
  { name: 'lambda: Client-Context holding a JSON array', act: (c) => invokeWith(c, Buffer.from('[1]').toString('base64')), status: 400, code: 'InvalidRequestContentException', fragment: 'not an object' },
  { name: 'lambda: Client-Context over 3,583 bytes', act: (c) => invokeWith(c, Buffer.from(JSON.stringify({ custom: { pad: 'p'.repeat(3000) } })).toString('base64')), status: 400, code: 'InvalidRequestContentException', fragment: 'at most 3583' },
  {
    name: 'lambda: a zip holding one path twice names the entry, not a server path',
    act: async (c) => sdkRefusal(c.lambda.send(new CreateFunctionCommand({ FunctionName: 'wedge-dup', Runtime: 'nodejs22.x', Role: c.roleArn, Handler: 'index.handler',
      Code: { ZipFile: await createDeterministicZip([{ name: 'index.js', data: Buffer.from('1') }, { name: 'index.js', data: Buffer.from('2') }]) } }))),
    status: 400, code: 'InvalidParameterValueException', fragment: 'zip entry "index.js" failed: the zip holds this path more than once',
  },
  // IAM
  { name: 'iam: Tags given as a value and as a list', act: (_c, e) => iam(e, 'Action=CreateRole&RoleName=wedge-tags&AssumeRolePolicyDocument=%7B%7D&Tags=x&Tags.member.1.Key=a'), status: 400, code: 'InvalidInput', fragment: 'The parameter Tags is given both as a single value and as a list' },
  { name: 'iam: Tags given as a list, then as a value', act: (_c, e) => iam(e, 'Action=CreateRole&RoleName=wedge-tags&AssumeRolePolicyDocument=%7B%7D&Tags.member.1.Key=a&Tags=x'), status: 400, code: 'InvalidInput', fragment: 'send only one form' },
  { name: 'iam: a tag without a Value', act: (_c, e) => iam(e, 'Action=TagRole&RoleName=wedge-role&Tags.member.1.Key=a'), status: 400, code: 'ValidationError', fragment: "at 'tags.1.member.value'" },
  { name: 'iam: ListRoles with MaxItems=0', act: (_c, e) => iam(e, 'Action=ListRoles&MaxItems=0'), status: 400, code: 'ValidationError', fragment: "Value '0' at 'maxItems' failed to satisfy constraint: Member must be a whole number from 1 to 1000" },
  { name: 'iam: ListRoles with MaxItems=-1', act: (_c, e) => iam(e, 'Action=ListRoles&MaxItems=-1'), status: 400, code: 'ValidationError', fragment: "Value '-1' at 'maxItems'" },
  { name: 'iam: ListRoles with MaxItems=1001', act: (_c, e) => iam(e, 'Action=ListRoles&MaxItems=1001'), status: 400, code: 'ValidationError', fragment: 'from 1 to 1000' },
  { name: 'iam: ListRoles with a Marker it never handed out', act: (_c, e) => iam(e, 'Action=ListRoles&Marker=-3'), status: 400, code: 'ValidationError', fragment: 'start again without Marker' },
  // DynamoDB
  { name: 'dynamodb: Scan with Limit 1e308', act: (_c, e) => ddb(e, 'Scan', `{"TableName":"${TABLE}","Limit":1e308}`), status: 400, code: 'ValidationException', fragment: "at 'limit' failed to satisfy constraint: Member must have value less than or equal to 2147483647" },
  { name: 'dynamodb: Scan with Limit 4294967296', act: (_c, e) => ddb(e, 'Scan', `{"TableName":"${TABLE}","Limit":4294967296}`), status: 400, code: 'ValidationException', fragment: "Value '4294967296' at 'limit'" },
  { name: 'dynamodb: an item nested 100,000 deep', act: (_c, e) => ddb(e, 'PutItem', `{"TableName":"${TABLE}","Item":{"userId":{"S":"deep"},"d":${nested(100_000, '{"M":{"a":', '}}', '{"S":"x"}')}}}`), status: 400, code: 'ValidationException', fragment: 'Nesting Levels have exceeded supported limits' },
  { name: 'dynamodb: a FilterExpression that is a number', act: (_c, e) => ddb(e, 'Scan', `{"TableName":"${TABLE}","FilterExpression":5}`), status: 400, code: 'SerializationException', fragment: 'NUMBER_VALUE cannot be converted to String' },
  { name: 'dynamodb: a FilterExpression that is an object', act: (_c, e) => ddb(e, 'Scan', `{"TableName":"${TABLE}","FilterExpression":{"S":"x"}}`), status: 400, code: 'SerializationException', fragment: 'Start of structure or map found where not expected' },
  { name: 'dynamodb: CreateTable with a tag without a Value', act: (_c, e) => ddb(e, 'CreateTable', JSON.stringify({ TableName: 'WedgeTagged', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST', Tags: [{ Key: 'a' }] })), status: 400, code: 'ValidationException', fragment: "Value null at 'tags.1.member.value'" },
  { name: 'dynamodb: CreateTable with a tag that is a string', act: (_c, e) => ddb(e, 'CreateTable', JSON.stringify({ TableName: 'WedgeTagged', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST', Tags: ['x'] })), status: 400, code: 'ValidationException', fragment: "at 'tags.1.member'" },
  { name: 'dynamodb: TagResource with a tag without a Value', act: (_c, e) => ddb(e, 'TagResource', JSON.stringify({ ResourceArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`, Tags: [{ Key: 'a' }] })), status: 400, code: 'ValidationException', fragment: "Value null at 'tags.1.member.value'" },
  // CloudWatch Logs
  { name: 'logs: a 300 KB event', act: (c) => sdkRefusal(c.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: logEvents([300_000]) }))), status: 400, code: 'InvalidParameterException', fragment: 'Log event too large: event 0 is 300026 bytes and exceeds the limit of 262144' },
  { name: 'logs: a 2.2 MB batch of events within the event limit', act: (c) => sdkRefusal(c.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: logEvents(Array(10).fill(220_000)) }))), status: 400, code: 'InvalidParameterException', fragment: 'Upload too large: 2200260 bytes exceeds limit of 1048576' },
  { name: 'logs: a batch 27 bytes over 1 MiB counting 26 bytes per event', act: (c) => sdkRefusal(c.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: logEvents([262_118, 262_118, 262_118, 262_118, 1]) }))), status: 400, code: 'InvalidParameterException', fragment: 'Upload too large: 1048603 bytes' },
];

/** What the cloud had acknowledged before the cases ran: each must still be there, and served, after every case. */
const KEPT = { trace: TRACE(0x99), item: 'kept-user', event: 'kept log line', role: 'wedge-role' };

async function acknowledgedFirst(c: Clients): Promise<void> {
  const put = await c.xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [segment({ trace_id: KEPT.trace, id: 'fedcba9876543210' })] }));
  expect(put.UnprocessedTraceSegments).toEqual([]);
  await c.ddb.send(new CreateTableCommand({ TableName: TABLE, AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  await c.ddb.send(new PutItemCommand({ TableName: TABLE, Item: { userId: { S: KEPT.item } } }));
  await c.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await c.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's' }));
  await c.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: KEPT.event }] }));
  await c.xray.send(new GetSamplingTargetsCommand(stats({}) as never));
  await c.lambda.send(new CreateFunctionCommand({ FunctionName: FN, Runtime: 'nodejs22.x', Role: c.roleArn, Handler: 'index.handler', Code: { ZipFile: await handlerZip(CONTEXT_HANDLER) } }));
  await waitUntilFunctionActiveV2({ client: c.lambda, maxWaitTime: 60 }, { FunctionName: FN });
}

/** The cloud answers each service normally, and what it acknowledged before is intact. */
async function stillServing(c: Clients): Promise<void> {
  const traces = await c.xray.send(new BatchGetTracesCommand({ TraceIds: [KEPT.trace] }));
  expect(traces.Traces?.map((t) => t.Id)).toEqual([KEPT.trace]);
  const summaries = await c.xray.send(new GetTraceSummariesCommand({ StartTime: new Date((NOW - 600) * 1000), EndTime: new Date((NOW + 60) * 1000) }));
  expect(summaries.TraceSummaries?.map((t) => t.Id)).toContain(KEPT.trace);
  for (const t of summaries.TraceSummaries ?? []) expect(t.StartTime).toBeInstanceOf(Date);
  const sampling = await c.xray.send(new GetSamplingStatisticSummariesCommand({}));
  for (const s of sampling.SamplingStatisticSummaries ?? []) {
    expect(s.RequestCount).toBeGreaterThanOrEqual(0);
    expect(s.SampledCount).toBeLessThanOrEqual(s.RequestCount!);
  }
  const item = await c.ddb.send(new GetItemCommand({ TableName: TABLE, Key: { userId: { S: KEPT.item } } }));
  expect(item.Item?.userId?.S).toBe(KEPT.item);
  const logs = await c.logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 's', startFromHead: true }));
  expect(logs.events?.map((e) => e.message)).toEqual([KEPT.event]);
  expect((await c.iam.send(new GetRoleCommand({ RoleName: KEPT.role }))).Role?.RoleName).toBe(KEPT.role);
  const run = await c.lambda.send(new InvokeCommand({ FunctionName: FN, ClientContext: Buffer.from(JSON.stringify({ custom: { who: 'zoë' } })).toString('base64') }));
  expect(run.FunctionError).toBeUndefined();
  expect(JSON.parse(Buffer.from(run.Payload!).toString())).toEqual({ ok: true, custom: { who: 'zoë' } });
}

describe('bad-input catalogue: inputs that used to wedge or poison the local cloud', () => {
  let cloud: LocalCloud;
  let c: Clients;

  beforeAll(async () => {
    cloud = await withLocalCloud();
    const cfg = clientConfig(cloud);
    c = { xray: new XRayClient(cfg), ddb: new DynamoDBClient(cfg), iam: new IAMClient(cfg), lambda: new LambdaClient(cfg), logs: new CloudWatchLogsClient(cfg), roleArn: '' };
    c.roleArn = await createRole(cloud.endpoint, KEPT.role);
    await acknowledgedFirst(c);
  }, 120_000);
  afterAll(async () => {
    for (const k of ['xray', 'ddb', 'iam', 'lambda', 'logs'] as const) c[k].destroy();
    await cloud.close();
  });

  it.each(CASES.map((k) => [k.name, k] as const))('%s', async (_name, k) => {
    const got = await k.act(c, cloud.endpoint);

    expect(got.code, got.message).toBe(k.code);
    expect(got.status).toBe(k.status);
    expect(got.message).toContain(k.fragment);
    expect(got.message).not.toMatch(/\/(tmp|home|root|work)\//);
    expect(got.message).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    await stillServing(c);
    if (k.traceId) expect((await c.xray.send(new BatchGetTracesCommand({ TraceIds: [k.traceId] }))).Traces).toEqual([]);
  });

  it('refused tables and tags leave nothing behind', async () => {
    await expect(c.ddb.send(new DescribeTableCommand({ TableName: 'WedgeTagged' }))).rejects.toThrow(/not found/i);
    const roles = await c.iam.send(new ListRolesCommand({}));
    expect(roles.Roles?.map((r) => r.RoleName)).not.toContain('wedge-tags');
  });

  it('a batch of exactly 1 MiB, counting 26 bytes per event, is accepted', async () => {
    const events = logEvents([262_118, 262_118, 262_118, 262_118]);
    await c.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 'full' }));
    const put = await c.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: 'full', logEvents: events }));
    expect(put.rejectedLogEventsInfo).toBeUndefined();
  });

  it('IAM pagination always ends, one role per page', async () => {
    for (const n of [1, 2, 3]) await createRole(cloud.endpoint, `wedge-page-${n}`);
    const seen: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await c.iam.send(new ListRolesCommand({ MaxItems: 1, Marker: marker }));
      seen.push(...(page.Roles ?? []).map((r) => r.RoleName!));
      marker = page.IsTruncated ? page.Marker : undefined;
      if (!marker) break;
    }
    expect(marker).toBeUndefined();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['wedge-page-1', 'wedge-page-2', 'wedge-page-3', KEPT.role]));
  });

  it('a segment nested 5,000 deep sent over UDP is dropped, and the next datagram is stored', async () => {
    const port = Number(cloud.daemonAddress.split(':').pop());
    const socket = createSocket('udp4');
    const header = '{"format":"json","version":1}\n';
    const good = TRACE(0x20);
    try {
      for (const doc of [deepSegment(TRACE(0x21)), segment({ trace_id: good })]) {
        await new Promise<void>((resolve, reject) => socket.send(header + doc, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      }
      let stored: string[] = [];
      for (let tries = 0; tries < 200 && stored.length === 0; tries++) {
        stored = ((await c.xray.send(new BatchGetTracesCommand({ TraceIds: [good] }))).Traces ?? []).map((t) => t.Id!);
        if (stored.length === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(stored).toEqual([good]);
      expect((await c.xray.send(new BatchGetTracesCommand({ TraceIds: [TRACE(0x21)] }))).Traces).toEqual([]);
      await stillServing(c);
    } finally {
      socket.close();
    }
  });
});
