/**
 * The opt-in environment queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS=1) through the whole local stack:
 * API Gateway → Lambda with tracing, then `xray-lab traces analyze --json`, which must report the wait
 * as the local cloud's queue. Counts and names are asserted, never durations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDeploymentCommand, PutIntegrationCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import type { LocalCloud } from '../../src/local/server.js';
import { LOCAL_QUEUE_SUBSEGMENT } from '../../src/local/lambda/segments.js';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { apiClient, createLabApi, httpCall, invokePath, lambdaUri, tracedLabApi, type Loose } from '../local/apigateway-helpers.js';
import { createRole, handlerZip } from '../local/lambda-fixtures.js';

const SLOW = `exports.handler = async (event) => {
  console.log('ran ' + event.path);
  await new Promise((r) => setTimeout(r, event.path.includes('hold') ? 2000 : 200));
  return { statusCode: 200, body: JSON.stringify({ pid: process.pid }) };
};`;

let cloud: LocalCloud;
let sb: Sandbox;
let apiId: string;

async function ranLines(name: string): Promise<string[]> {
  const logs = new CloudWatchLogsClient(clientConfig(cloud));
  const found = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${name}`, filterPattern: '"ran "' }));
  return (found.events ?? []).map((e) => (e.message ?? '').trim().split('\t').pop()!);
}

beforeAll(async () => {
  cloud = await withLocalCloud({ lambda: { maxEnvironments: 1 } });
  sb = await makeSandbox();
  const lambda = new LambdaClient(clientConfig(cloud));
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'queued', Role: await createRole(cloud.endpoint), Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: await handlerZip(SLOW) } }));
  apiId = await tracedLabApi(cloud, 'queued');
}, 60_000);

afterAll(async () => {
  await cloud.close();
  await sb.dispose();
});

describe('XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS=1 through API Gateway', () => {
  it('serves 3 concurrent requests from one environment, traces the queue waits, and traces analyze reports them', async () => {
    const startedAt = Date.now() / 1000;
    const answers = await Promise.all([0, 1, 2].map((i) => httpCall(cloud.port, 'GET', invokePath(apiId, `/users/u${i}`))));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => (JSON.parse(a.body) as { pid: number }).pid)).size).toBe(1);
    const xray = new XRayClient(clientConfig(cloud));
    const window = { StartTime: new Date((startedAt - 60) * 1000), EndTime: new Date((startedAt + 60) * 1000) };
    const { TraceSummaries } = await xray.send(new GetTraceSummariesCommand(window));
    expect(TraceSummaries).toHaveLength(3);
    const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: TraceSummaries!.map((t) => t.Id!) }));
    const waits = Traces!.flatMap((t) => t.Segments!.map((s) => JSON.parse(s.Document!) as Loose))
      .filter((d) => d.origin === 'AWS::Lambda' && !d.inferred)
      .flatMap((d) => (d.subsegments ?? []) as Loose[])
      .filter((s) => s.name === LOCAL_QUEUE_SUBSEGMENT);
    // The first boots the one environment; the others queue behind it (exactly 2 in the engine's own test,
    // test/unit/lambda/queue.test.ts; here a request delayed past the first's end by a loaded machine would not wait).
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.length).toBeLessThanOrEqual(2);
    // The queue is a plain subsegment of AWS::Lambda: no node of its own in the graph, and filters see the usual services.
    const graph = await xray.send(new GetServiceGraphCommand(window));
    expect(graph.Services!.map((s) => `${s.Name} ${s.Type}`).sort()).toEqual(['queued AWS::Lambda', 'queued AWS::Lambda::Function', 'undefined client', 'user-api/prod AWS::ApiGateway::Stage']);
    const filtered = await xray.send(new GetTraceSummariesCommand({ ...window, FilterExpression: 'service("queued") { fault = false }' }));
    expect(filtered.TraceSummaries).toHaveLength(3);

    const r = await sb.run(['traces', 'analyze', '--json', '--endpoint-url', cloud.endpoint]);

    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { Report: { platform: { localQueue: { count: number; functions: string[] }; notes: string[] } } };
    expect(doc.Report.platform.localQueue).toMatchObject({ count: waits.length, functions: ['queued'] });
    expect(doc.Report.platform.notes.join('\n')).toMatch(/\d invocations? waited in the local cloud's environment queue, \d+ ms on average/);
  }, 60_000);
});

describe('XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS=1 and API Gateway\'s integration timeout', () => {
  it('times out a request still queued when its integration timeout passes, and never runs it', async () => {
    const lambda = new LambdaClient(clientConfig(cloud));
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'short', Role: await createRole(cloud.endpoint, 'short-role'), Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 10, Code: { ZipFile: await handlerZip(SLOW) } }));
    const gw = apiClient(cloud.endpoint);
    const api = await createLabApi(gw, { fn: 'short' });
    // 500 ms for the whole integration: the held request outlives it, the queued one never starts within it.
    await gw.send(new PutIntegrationCommand({ restApiId: api.apiId, resourceId: api.userIdResourceId, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri('short'), timeoutInMillis: 500 }));
    await gw.send(new CreateDeploymentCommand({ restApiId: api.apiId, stageName: 'prod' }));
    await lambda.send(new AddPermissionCommand({
      FunctionName: 'short', StatementId: 'apigateway-invoke', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com',
      SourceArn: `arn:aws:execute-api:us-east-1:${cloud.env.accountId}:${api.apiId}/*/GET/users/*`,
    }));

    // Its one environment, booted and idle (if the boot outlasts 500 ms this answer is a 504 and the
    // request never runs, but the environment still comes up and waits idle).
    await httpCall(cloud.port, 'GET', invokePath(api.apiId, '/users/warm'));
    await new Promise((r) => setTimeout(r, 1000));
    // Two at once: one takes the idle environment and runs 2 s, the other waits in the queue until its
    // integration times out. Which is which depends on arrival, so the test counts them.
    const both = await Promise.all(['/users/hold1', '/users/hold2'].map((p) => httpCall(cloud.port, 'GET', invokePath(api.apiId, p))));
    await new Promise((r) => setTimeout(r, 2500));
    const after = await httpCall(cloud.port, 'GET', invokePath(api.apiId, '/users/after'));

    expect(both.map((a) => a.status)).toEqual([504, 504]);
    expect(after.status).toBe(200);
    const ran = await ranLines('short');
    expect(ran.filter((l) => l.startsWith('ran /users/hold'))).toHaveLength(1);
    expect(ran.filter((l) => !l.startsWith('ran /users/hold') && l !== 'ran /users/warm')).toEqual(['ran /users/after']);
  }, 60_000);
});
