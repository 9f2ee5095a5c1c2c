/**
 * The local cloud's edge, end to end: a request to the API Gateway stage runs the real user-service handler
 * in a Lambda process against DynamoDB, and X-Ray assembles one correlated trace — stage segment and its
 * `Lambda` subsegment, the AWS::Lambda and AWS::Lambda::Function segments, the handler's `user_processing`
 * and `DynamoDB` subsegments (sent over UDP by the X-Ray SDK), and the inferred DynamoDB segment for the UserProfiles table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient, type Segment } from '@aws-sdk/client-xray';
import { flatten, missingParts } from '../support/lab-trace-shape.js';
import { buildHandlerZip } from '../../src/lab/packaging.js';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { apiClient, createLabApi, httpCall, invokePath, tracedLabApi } from './apigateway-helpers.js';
import { createRole } from './lambda-fixtures.js';

interface Doc {
  id: string;
  name: string;
  origin?: string;
  parent_id?: string;
  start_time: number;
  end_time: number;
  inferred?: boolean;
  annotations?: Record<string, unknown>;
  aws?: Record<string, unknown>;
  subsegments?: Doc[];
}

let cloud: LocalCloud;
let xray: XRayClient;
let apiId: string;

beforeAll(async () => {
  cloud = await withLocalCloud();
  const cfg = clientConfig(cloud);
  xray = new XRayClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  await ddb.send(new CreateTableCommand({ TableName: 'UserProfiles', AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  await ddb.send(new PutItemCommand({ TableName: 'UserProfiles', Item: { userId: { S: 'user123' }, name: { S: 'John Doe' }, email: { S: 'john@example.com' }, preferences: { S: 'theme:dark,notifications:enabled' } } }));
  const role = await createRole(cloud.endpoint);
  const pkg = await buildHandlerZip();
  await new LambdaClient(cfg).send(new CreateFunctionCommand({
    FunctionName: 'user-service', Role: role, Runtime: 'nodejs22.x', Handler: pkg.handler, Code: { ZipFile: pkg.zip }, Timeout: 30,
    TracingConfig: { Mode: 'Active' }, Environment: { Variables: { TABLE_NAME: 'UserProfiles', SIMULATED_WORK_MS: '20' } },
  }));
  apiId = await tracedLabApi(cloud);
}, 120_000);

afterAll(() => cloud.close());

/** X-Ray is eventually consistent (the SDK's subsegments arrive over UDP): poll until the trace is complete. */
async function completeTrace(traceId: string): Promise<Doc[]> {
  const deadline = Date.now() + 20_000;
  let docs: Doc[] = [];
  while (Date.now() < deadline) {
    const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
    docs = (Traces?.[0]?.Segments ?? []).map((s: Segment) => JSON.parse(s.Document!) as Doc);
    if (missingParts(docs).length === 0) return docs;
    await new Promise((r) => setTimeout(r, 100));
  }
  return docs;
}


describe('a sampled request through the local stack', () => {
  it('serves John Doe and yields one complete, correctly linked trace', async () => {
    const res = await httpCall(cloud.port, 'GET', invokePath(apiId, '/users/user123'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ userId: 'user123', name: 'John Doe' });
    const traceHeader = String(res.headers['x-amzn-trace-id']);
    expect(traceHeader).toMatch(/Sampled=1/);
    const traceId = /Root=(1-[0-9a-f]{8}-[0-9a-f]{24})/.exec(traceHeader)![1]!;

    const docs = await completeTrace(traceId);
    const byOrigin = (o: string) => docs.find((d) => d.origin === o)!;
    const stage = byOrigin('AWS::ApiGateway::Stage');
    const lambdaSvc = byOrigin('AWS::Lambda');
    const fn = byOrigin('AWS::Lambda::Function');
    const table = byOrigin('AWS::DynamoDB::Table');
    expect(stage.name).toBe('user-api/prod');
    expect(stage.annotations).toMatchObject({ 'aws:api_id': apiId, 'aws:api_stage': 'prod' });
    const invokeSub = stage.subsegments!.find((s) => s.name === 'Lambda')!;
    expect(lambdaSvc.parent_id).toBe(invokeSub.id);
    expect(fn.parent_id).toBe(lambdaSvc.id);

    const fnEntities = flatten(fn);
    const invocation = fnEntities.find((s) => s.name === 'Invocation')!;
    const processing = fnEntities.find((s) => s.name === 'user_processing')!;
    const dynamo = fnEntities.find((s) => s.name === 'DynamoDB')!;
    expect(invocation.subsegments?.map((s) => s.name)).toContain('user_processing');
    expect(processing.annotations).toMatchObject({ service: 'user-service', operation: 'GET', user_found: true });
    expect(processing.subsegments?.map((s) => s.id)).toContain(dynamo.id);
    expect(dynamo.aws).toMatchObject({ operation: 'GetItem', table_name: 'UserProfiles' });
    // As on AWS: the inferred segment is named DynamoDB, with the table in aws.table_name; only its graph node is named UserProfiles.
    expect(table).toMatchObject({ name: 'DynamoDB', origin: 'AWS::DynamoDB::Table', inferred: true, parent_id: dynamo.id, aws: { table_name: 'UserProfiles' } });

    // Every child lies within its parent's time span.
    const within = (child: Doc, parent: Doc) => child.start_time >= parent.start_time - 1e-3 && child.end_time <= parent.end_time + 1e-3;
    expect(within(invokeSub, stage)).toBe(true);
    expect(within(lambdaSvc, invokeSub)).toBe(true);
    expect(within(fn, lambdaSvc)).toBe(true);
    expect(within(processing, invocation)).toBe(true);
    expect(within(dynamo, processing)).toBe(true);
  });

  it('finds the traces with the lab\'s filter expressions and draws the five-node service graph', async () => {
    const miss = await httpCall(cloud.port, 'GET', invokePath(apiId, '/users/nonexistent'));
    expect(miss.status).toBe(404);
    const missId = /Root=([^;]+)/.exec(String(miss.headers['x-amzn-trace-id']))![1]!;
    await completeTrace(missId);
    const now = Date.now() / 1000;
    const window = { StartTime: new Date((now - 600) * 1000), EndTime: new Date((now + 60) * 1000) };

    const errors = await xray.send(new GetTraceSummariesCommand({ ...window, FilterExpression: 'error = true' }));
    expect(errors.TraceSummaries?.map((t) => t.Id)).toEqual([missId]);
    const service = await xray.send(new GetTraceSummariesCommand({ ...window, FilterExpression: 'service("user-service")' }));
    expect(service.TraceSummaries?.length).toBe(2);

    const graph = await xray.send(new GetServiceGraphCommand(window));
    const nodes = graph.Services!.map((s) => `${s.Name}|${s.Type}`).sort();
    expect(nodes).toEqual(['UserProfiles|AWS::DynamoDB::Table', 'undefined|client', 'user-api/prod|AWS::ApiGateway::Stage', 'user-service|AWS::Lambda', 'user-service|AWS::Lambda::Function']);
    // AWS's documented client node (xray-api-tutorial.html): Type "client", State "unknown", no Name or Names.
    const client = graph.Services!.find((s) => s.Type === 'client')!;
    expect(client).toMatchObject({ State: 'unknown' });
    expect('Name' in client || 'Names' in client).toBe(false);
    expect(graph.Services!.reduce((n, s) => n + (s.Edges?.length ?? 0), 0)).toBe(4);
  });

  it('runs an unsampled invocation of the real handler without an X-Ray SDK error in its log', async () => {
    // Active tracing decides per invocation (1 per second, then 5 %): of a quick burst most are unsampled.
    const lambda = new LambdaClient(clientConfig(cloud));
    const logs: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await lambda.send(new InvokeCommand({ FunctionName: 'user-service', LogType: 'Tail', Payload: Buffer.from(JSON.stringify({ httpMethod: 'GET', path: '/users/user123' })) }));
      logs.push(Buffer.from(r.LogResult!, 'base64').toString('utf8'));
    }
    const unsampled = logs.filter((l) => !l.includes('XRAY TraceId'));
    expect(unsampled.length).toBeGreaterThan(0);
    for (const log of unsampled) expect(log).not.toMatch(/\tERROR\t/);
  });

  it('answers 500 without running the function when its policy does not let this API invoke it, as AWS does', async () => {
    // A second API on the same function: the permission above names the first API's id only.
    const { apiId: otherApi } = await createLabApi(apiClient(cloud.endpoint), { tracing: true });

    const res = await httpCall(cloud.port, 'GET', invokePath(otherApi, '/users/user123'), { 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
    const docs = await waitForDocs('1-5759e988-bd862e3fe1be46a994272793', 2);

    expect(res.status).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ message: 'Internal server error' });
    expect(res.headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    // Only the stage wrote a segment (a fault); X-Ray infers the Lambda node from its refused call (403).
    // No AWS::Lambda::Function segment: the function never ran.
    expect(docs.map((d) => `${d.origin}${d.inferred ? ' (inferred)' : ''}`).sort()).toEqual(['AWS::ApiGateway::Stage', 'AWS::Lambda (inferred)']);
    expect(docs.find((d) => d.origin === 'AWS::ApiGateway::Stage')).toMatchObject({ fault: true });
  });
});

async function waitForDocs(traceId: string, count: number): Promise<Doc[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
    const docs = (Traces?.[0]?.Segments ?? []).map((s: Segment) => JSON.parse(s.Document!) as Doc & { fault?: boolean });
    if (docs.length >= count || Date.now() > deadline) return docs;
    await new Promise((r) => setTimeout(r, 100));
  }
}
