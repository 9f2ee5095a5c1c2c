/**
 * The OpenTelemetry instrumentation of user-service against the X-Ray SDK one (issue 18): the same traffic
 * through two local clouds, one per instrumentation, gives complete traces of the same shape (checked by
 * bench/lib/trace-completeness.ts, as the X-Ray SDK path is), the same counts for the lab's filters and
 * the same service graph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { checkTraces, flatten, type TraceDoc } from '../support/trace-completeness.js';
import { buildHandlerZip, type Instrumentation } from '../../src/lab/packaging.js';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { httpCall, invokePath, tracedLabApi } from './apigateway-helpers.js';
import { createRole } from './lambda-fixtures.js';

/** The lab's filters: step 6's two, and the ones its lessons and quiz use. */
const LAB_FILTERS = ['annotation.user_found = false', 'service("user-service")', 'error = true', 'fault = true', 'annotation.operation = "GET"', 'annotation.error = true'];
/** The lab's test requests (step 5's found and missing users), repeated. */
const TRAFFIC = ['/users/user123', '/users/user123', '/users/nonexistent', '/users/user123', '/users/nonexistent', '/users/user456'];

interface Stack {
  cloud: LocalCloud;
  xray: XRayClient;
  apiId: string;
  traceIds: string[];
}

async function labStack(instrumentation: Instrumentation): Promise<Stack> {
  const cloud = await withLocalCloud();
  const cfg = clientConfig(cloud);
  const xray = new XRayClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  await ddb.send(new CreateTableCommand({ TableName: 'UserProfiles', AttributeDefinitions: [{ AttributeName: 'userId', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  await ddb.send(new PutItemCommand({ TableName: 'UserProfiles', Item: { userId: { S: 'user123' }, name: { S: 'John Doe' }, email: { S: 'john@example.com' }, preferences: { S: 'theme:dark' } } }));
  const role = await createRole(cloud.endpoint);
  const pkg = await buildHandlerZip({ instrumentation });
  const lambda = new LambdaClient(cfg);
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'user-service', Role: role, Runtime: 'nodejs22.x', Handler: pkg.handler, Code: { ZipFile: pkg.zip }, Timeout: 30,
    TracingConfig: { Mode: 'Active' }, Environment: { Variables: { TABLE_NAME: 'UserProfiles', SIMULATED_WORK_MS: '5' } },
  }));
  const apiId = await tracedLabApi(cloud);
  const traceIds: string[] = [];
  for (const path of TRAFFIC) {
    const res = await httpCall(cloud.port, 'GET', invokePath(apiId, path));
    expect(res.status).toBe(path === '/users/user123' ? 200 : 404);
    traceIds.push(/Root=(1-[0-9a-f]{8}-[0-9a-f]{24})/.exec(String(res.headers['x-amzn-trace-id']))![1]!);
  }
  // One failing request: the table is gone for the function, DynamoDB refuses, the handler answers 500
  // with the failure on user_processing (a fault, and the `error` annotation).
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'user-service', Environment: { Variables: { TABLE_NAME: 'NoSuchTable', SIMULATED_WORK_MS: '5' } } }));
  for (let i = 0; i < 100 && (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'user-service' }))).LastUpdateStatus === 'InProgress'; i++) await new Promise((r) => setTimeout(r, 100));
  const failed = await httpCall(cloud.port, 'GET', invokePath(apiId, '/users/user123'));
  expect(failed.status).toBe(500);
  return { cloud, xray, apiId, traceIds };
}

async function filterCounts(s: Stack): Promise<Record<string, number>> {
  const now = Date.now();
  const window = { StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000) };
  const counts: Record<string, number> = {};
  for (const f of LAB_FILTERS) counts[f] = (await s.xray.send(new GetTraceSummariesCommand({ ...window, FilterExpression: f }))).TraceSummaries?.length ?? 0;
  const graph = await s.xray.send(new GetServiceGraphCommand(window));
  const names = new Map(graph.Services!.map((n) => [n.ReferenceId, `${n.Name}|${n.Type}`]));
  counts.nodes = graph.Services!.length;
  counts.edges = graph.Services!.reduce((n, x) => n + (x.Edges?.length ?? 0), 0);
  const edges = graph.Services!.flatMap((n) => (n.Edges ?? []).map((e) => `${names.get(n.ReferenceId)} → ${names.get(e.ReferenceId)}`)).sort();
  return { ...counts, graph: JSON.stringify({ nodes: [...names.values()].sort(), edges }) as unknown as number };
}

const stacks: Partial<Record<Instrumentation, Stack>> = {};

beforeAll(async () => {
  stacks['xray-sdk'] = await labStack('xray-sdk');
  stacks.otel = await labStack('otel');
}, 180_000);

afterAll(async () => {
  for (const s of Object.values(stacks)) await s?.cloud.close();
});

describe('user-service instrumented with OpenTelemetry', () => {
  it('completes every sampled trace with the X-Ray SDK path\'s shape', async () => {
    const s = stacks.otel!;
    const result = await checkTraces(s.cloud.endpoint, s.traceIds);
    expect(result).toEqual({ checked: TRAFFIC.length, complete: TRAFFIC.length, lacking: {} });

    const { Traces } = await s.xray.send(new BatchGetTracesCommand({ TraceIds: [s.traceIds[2]!] }));
    const docs = Traces![0]!.Segments!.map((d) => JSON.parse(d.Document!) as TraceDoc & { annotations?: Record<string, unknown>; namespace?: string; aws?: Record<string, unknown> });
    const fn = docs.find((d) => d.origin === 'AWS::Lambda::Function')!;
    const entities = flatten(fn) as (typeof docs)[number][];
    const processing = entities.find((e) => e.name === 'user_processing')!;
    expect(processing.annotations).toEqual({ service: 'user-service', operation: 'GET', user_found: false });
    const dynamo = flatten(processing).find((e) => e.name === 'DynamoDB') as (typeof docs)[number];
    expect(dynamo).toMatchObject({ namespace: 'aws', aws: { operation: 'GetItem', table_name: 'UserProfiles' } });
  });

  it('gives the same filter counts and the same service graph (the lab\'s 5 nodes, and the failing request\'s table) as the X-Ray SDK for the same traffic', async () => {
    for (const s of Object.values(stacks)) expect((await checkTraces(s!.cloud.endpoint, s!.traceIds)).complete).toBe(TRAFFIC.length);
    const xraySdk = await filterCounts(stacks['xray-sdk']!);
    const otel = await filterCounts(stacks.otel!);
    expect(otel).toEqual(xraySdk);
    expect(xraySdk).toMatchObject({ 'annotation.user_found = false': 3, 'service("user-service")': TRAFFIC.length + 1, 'error = true': 3, 'fault = true': 1, 'annotation.error = true': 1, nodes: 6, edges: 5 });
    // The lab's five nodes, plus the table the failing request asked for (an inferred node of its own).
    expect(JSON.parse(String(otel.graph)).nodes).toEqual([
      'NoSuchTable|AWS::DynamoDB::Table', 'UserProfiles|AWS::DynamoDB::Table', 'undefined|client', 'user-api/prod|AWS::ApiGateway::Stage', 'user-service|AWS::Lambda', 'user-service|AWS::Lambda::Function',
    ]);
  });
});
