import {
  CreateDeploymentCommand, CreateResourceCommand, PutIntegrationCommand, PutMethodCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SamplingRequest, SegmentSink, StageSampler } from '../../src/local/apigateway/index.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { ACCOUNT, InProcessLambda, apiClient, createLabApi, fnArn, httpCall, invokePath, lambdaUri, type Loose } from './apigateway-helpers.js';

/** A sampler with a fixed decision, recording what it was asked. */
class FixedSampler implements StageSampler {
  sampled = true;
  readonly asked: SamplingRequest[] = [];
  decide(req: SamplingRequest) {
    this.asked.push(req);
    return { sampled: this.sampled, ruleName: 'Fixed' };
  }
}

class MemorySink implements SegmentSink {
  readonly docs: Loose[] = [];
  putSegments(docs: string[]): void {
    for (const d of docs) this.docs.push(JSON.parse(d) as Loose);
  }
}

let cloud: LocalCloud;
let client: APIGatewayClient;
let tracedApi: string;
let plainApi: string;
let clockMs = Date.UTC(2026, 0, 1);
const sampler = new FixedSampler();
const sink = new MemorySink();
const lambda = new InProcessLambda({
  'user-service': () => ({ statusCode: 200, body: '{"ok":true}' }),
  crash: () => {
    throw new Error('boom');
  },
});

beforeAll(async () => {
  // Every clock read advances 1 ms, so "encloses" can be checked strictly.
  cloud = await startLocalCloud({ port: 0, clock: { now: () => (clockMs += 1) }, apigateway: { invoker: lambda, sampler, sink } });
  client = apiClient(cloud.endpoint);
  const traced = await createLabApi(client, { tracing: true });
  tracedApi = traced.apiId;
  const crash = await client.send(new CreateResourceCommand({ restApiId: tracedApi, parentId: traced.rootId, pathPart: 'crash' }));
  await client.send(new PutMethodCommand({ restApiId: tracedApi, resourceId: crash.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({
    restApiId: tracedApi, resourceId: crash.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: lambdaUri('crash'),
  }));
  await client.send(new CreateDeploymentCommand({ restApiId: tracedApi, stageName: 'prod' }));
  plainApi = (await createLabApi(client, { tracing: false })).apiId;
});
afterAll(async () => cloud.close());
beforeEach(() => {
  sink.docs.length = 0;
  sampler.asked.length = 0;
  sampler.sampled = true;
});

const get = (apiId: string, path: string, headers: Record<string, string> = {}) => httpCall(cloud.port, 'GET', invokePath(apiId, path), headers);
const ROOT = '1-5759e988-bd862e3fe1be46a994272793';

describe('API Gateway stage tracing', () => {
  it('writes nothing and passes Sampled=0 when the sampler says no', async () => {
    sampler.sampled = false;

    const res = await get(tracedApi, '/users/user123');

    expect(res.status).toBe(200);
    expect(sink.docs).toEqual([]);
    expect(lambda.calls.at(-1)!.traceHeader).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=0$/);
    expect(res.headers['x-amzn-trace-id']).toBe(lambda.calls.at(-1)!.traceHeader);
    expect(sampler.asked).toEqual([
      expect.objectContaining({ serviceName: 'user-api/prod', serviceType: 'AWS::ApiGateway::Stage', httpMethod: 'GET', urlPath: '/users/user123' }),
    ]);
  });

  it('writes the stage segment with its Lambda subsegment, chained through Parent', async () => {
    const res = await get(tracedApi, '/users/user123', { 'User-Agent': 'curl/8' });
    const [seg] = sink.docs;
    const sub = seg!.subsegments[0];
    const passed = lambda.calls.at(-1)!.traceHeader!;

    expect(sink.docs).toHaveLength(1);
    expect(passed).toBe(`Root=${seg!.trace_id};Parent=${sub.id};Sampled=1`);
    expect(res.headers['x-amzn-trace-id']).toBe(`Root=${seg!.trace_id};Sampled=1`);
    expect(seg).toMatchObject({
      name: 'user-api/prod',
      origin: 'AWS::ApiGateway::Stage',
      resource_arn: `arn:aws:apigateway:us-east-1::/restapis/${tracedApi}/stages/prod`,
      http: {
        request: { url: `https://${tracedApi}.execute-api.us-east-1.amazonaws.com/prod/users/user123`, method: 'GET', user_agent: 'curl/8', x_forwarded_for: true },
        response: { status: 200, content_length: 11 },
      },
      aws: { api_gateway: { account_id: ACCOUNT, rest_api_id: tracedApi, stage: 'prod', request_id: res.headers['x-amzn-requestid'] } },
      annotations: { 'aws:api_id': tracedApi, 'aws:api_stage': 'prod' },
      metadata: { default: { request_id: res.headers['x-amzn-requestid'], extended_request_id: res.headers['x-amz-apigw-id'] } },
    });
    expect(seg!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(seg!.parent_id).toBeUndefined();
    expect(seg!.error ?? seg!.fault ?? seg!.throttle).toBeUndefined();
    expect(sub).toMatchObject({
      name: 'Lambda', namespace: 'aws',
      http: { request: { url: `https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/${fnArn('user-service')}/invocations`, method: 'POST' }, response: { status: 200 } },
      aws: { function_name: 'user-service', region: 'us-east-1', operation: 'Invoke', resource_names: ['user-service'] },
    });
    expect(sub.id).toMatch(/^[0-9a-f]{16}$/);
    expect(sub.id).not.toBe(seg!.id);
  });

  it('nests times: the segment encloses the subsegment, which encloses the invoke', async () => {
    let invokedAt = 0;
    const original = lambda.invoke.bind(lambda);
    lambda.invoke = async (arn, event, opts) => {
      invokedAt = cloud.env.clock.now() / 1000;
      return original(arn, event, opts);
    };
    try {
      await get(tracedApi, '/users/user123');
    } finally {
      lambda.invoke = original;
    }
    const [seg] = sink.docs;
    const sub = seg!.subsegments[0];

    expect(seg!.start_time).toBeLessThan(sub.start_time);
    expect(sub.start_time).toBeLessThan(invokedAt);
    expect(invokedAt).toBeLessThan(sub.end_time);
    expect(sub.end_time).toBeLessThan(seg!.end_time);
  });

  it('honours an upstream Sampled=1 (keeping Root and Parent) even when the sampler says no', async () => {
    sampler.sampled = false;

    await get(tracedApi, '/users/user123', { 'X-Amzn-Trace-Id': `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1` });
    const [seg] = sink.docs;

    expect(sampler.asked).toEqual([]);
    expect(seg).toMatchObject({ trace_id: ROOT, parent_id: '53995c3f42cd8ad8' });
    expect(lambda.calls.at(-1)!.traceHeader).toBe(`Root=${ROOT};Parent=${seg!.subsegments[0].id};Sampled=1;Lineage=a87bd80c:1`);
  });

  it('honours an upstream Sampled=0 even when the sampler says yes', async () => {
    await get(tracedApi, '/users/user123', { 'X-Amzn-Trace-Id': `Root=${ROOT};Sampled=0` });

    expect(sink.docs).toEqual([]);
    expect(sampler.asked).toEqual([]);
    expect(lambda.calls.at(-1)!.traceHeader).toBe(`Root=${ROOT};Sampled=0`);
  });

  it('asks the sampler for Sampled=? and keeps the caller Root', async () => {
    const res = await get(tracedApi, '/users/user123', { 'X-Amzn-Trace-Id': `Root=${ROOT};Sampled=?` });

    expect(sampler.asked).toHaveLength(1);
    expect(sink.docs[0]!.trace_id).toBe(ROOT);
    expect(res.headers['x-amzn-trace-id']).toBe(`Root=${ROOT};Sampled=1`);
  });

  it('marks fault on a 502 and error on a 403', async () => {
    await get(tracedApi, '/crash');
    await get(tracedApi, '/nowhere');
    const [crashed, missing] = sink.docs;

    expect(crashed).toMatchObject({ fault: true, http: { response: { status: 502 } } });
    expect(crashed!.error).toBeUndefined();
    expect(crashed!.subsegments[0]).toMatchObject({ name: 'Lambda', fault: true });

    expect(missing!).toMatchObject({ error: true, http: { response: { status: 403 } } });
    expect(missing!.fault).toBeUndefined();
    expect(missing!.subsegments).toBeUndefined();
  });

  it('untraced stage: passes the caller header through, asks nobody, writes nothing', async () => {
    const header = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`;

    await get(plainApi, '/users/user123', { 'X-Amzn-Trace-Id': header });
    const passed = lambda.calls.at(-1)!.traceHeader;
    await get(plainApi, '/users/user123');
    const generated = lambda.calls.at(-1)!.traceHeader;

    expect(passed).toBe(header);
    expect(generated).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(sampler.asked).toEqual([]);
    expect(sink.docs).toEqual([]);
  });
});
