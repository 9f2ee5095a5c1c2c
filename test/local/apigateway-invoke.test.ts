import {
  CreateDeploymentCommand, CreateResourceCommand, PutIntegrationCommand, PutMethodCommand, UpdateStageCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { ACCOUNT, InProcessLambda, apiClient, createLabApi, fnArn, httpCall, invokePath, lambdaUri, type Loose } from './apigateway-helpers.js';

let cloud: LocalCloud;
let client: APIGatewayClient;
const lambda = new InProcessLambda({
  'user-service': (event) => {
    const id = (event.pathParameters as Record<string, string>).userId;
    return id === 'user123' ? { statusCode: 200, body: JSON.stringify({ userId: id }) } : { statusCode: 404, body: JSON.stringify({ error: 'User not found' }) };
  },
  crash: () => {
    throw new Error('boom');
  },
  'object-body': () => ({ statusCode: 200, body: { not: 'a string' } }),
  'no-status': () => ({ body: 'hi' }),
  echo: (event) => ({
    statusCode: 201,
    headers: { 'X-Custom': 'one', 'Content-Type': 'text/plain' },
    multiValueHeaders: { 'X-Multi': ['a', 'b'] },
    body: Buffer.from(JSON.stringify(event)).toString('base64'),
    isBase64Encoded: true,
  }),
  hang: () => new Promise(() => undefined),
});

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, apigateway: { invoker: lambda } });
  client = apiClient(cloud.endpoint);
});
afterAll(async () => cloud.close());

async function addRoute(apiId: string, parentId: string, pathPart: string, method: string, fn: string, extra: { timeoutInMillis?: number; uri?: string } = {}) {
  const r = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId, pathPart }));
  await client.send(new PutMethodCommand({ restApiId: apiId, resourceId: r.id, httpMethod: method, authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: r.id, httpMethod: method, type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: extra.uri ?? lambdaUri(fn), timeoutInMillis: extra.timeoutInMillis,
  }));
  return r.id!;
}
const deploy = (apiId: string) => client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));

describe('API Gateway data plane (invoke URL → Lambda proxy integration)', () => {
  it('serves the lab route with a v1 proxy event and the request/trace headers', async () => {
    const { apiId, userIdResourceId } = await createLabApi(client);

    const ok = await httpCall(cloud.port, 'GET', invokePath(apiId, '/users/user123?x=1&x=2&y=3'), { 'User-Agent': 'lab-test/1', 'X-Dup': 'v' });
    const missing = await fetch(`${cloud.endpoint}${invokePath(apiId, '/users/nobody')}`);
    const event = lambda.calls.at(-2)!.event as Loose;

    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ userId: 'user123' });
    expect(ok.headers['content-type']).toBe('application/json');
    expect(ok.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers['x-amz-apigw-id']).toBeDefined();
    expect(ok.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(missing.status).toBe(404);
    expect(lambda.calls.at(-2)!.functionArn).toBe(fnArn('user-service'));
    // What the function's resource policy is checked against: the resource template, not the request path.
    expect(lambda.calls.at(-2)!.sourceArn).toBe(`arn:aws:execute-api:us-east-1:${ACCOUNT}:${apiId}/prod/GET/users/{userId}`);
    expect(event).toMatchObject({
      resource: '/users/{userId}', path: '/users/user123', httpMethod: 'GET',
      pathParameters: { userId: 'user123' }, stageVariables: null, body: null, isBase64Encoded: false,
      queryStringParameters: { x: '2', y: '3' }, multiValueQueryStringParameters: { x: ['1', '2'], y: ['3'] },
      requestContext: {
        accountId: ACCOUNT, apiId, resourceId: userIdResourceId, resourcePath: '/users/{userId}', httpMethod: 'GET',
        path: '/prod/users/user123', protocol: 'HTTP/1.1', stage: 'prod', identity: { userAgent: 'lab-test/1' },
      },
    });
    expect(event.headers['User-Agent']).toBe('lab-test/1');
    expect(event.multiValueHeaders['X-Dup']).toEqual(['v']);
    expect(event.headers['X-Amzn-Trace-Id']).toBe(ok.headers['x-amzn-trace-id']);
    expect(event.requestContext.requestId).toBe(ok.headers['x-amzn-requestid']);
    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
  });

  it('routes by Host header {apiId}.execute-api.localhost', async () => {
    const { apiId } = await createLabApi(client);

    const res = await httpCall(cloud.port, 'GET', '/prod/users/user123', { Host: `${apiId}.execute-api.localhost:${cloud.port}` });

    expect(res.status).toBe(200);
    expect((lambda.calls.at(-1)!.event.requestContext as Record<string, unknown>).domainName).toBe(`${apiId}.execute-api.localhost`);
  });

  it('answers 403 Missing Authentication Token for unknown paths, methods, stages and APIs', async () => {
    const { apiId } = await createLabApi(client);

    const responses = await Promise.all([
      fetch(`${cloud.endpoint}${invokePath(apiId, '/nothing')}`),
      fetch(`${cloud.endpoint}${invokePath(apiId, '/users/user123')}`, { method: 'POST' }),
      fetch(`${cloud.endpoint}/_aws/execute-api/${apiId}/staging/users/user123`),
      fetch(`${cloud.endpoint}/_aws/execute-api/zzzzzzzzzz/prod/users/user123`),
    ]);

    for (const r of responses) {
      expect(r.status).toBe(403);
      expect(await r.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  it('answers 502 for a function error or a malformed response, 500 for a missing function', async () => {
    const { apiId, rootId } = await createLabApi(client);
    await addRoute(apiId, rootId, 'crash', 'GET', 'crash');
    await addRoute(apiId, rootId, 'object-body', 'GET', 'object-body');
    await addRoute(apiId, rootId, 'no-status', 'GET', 'no-status');
    await addRoute(apiId, rootId, 'ghost', 'GET', 'ghost');
    await deploy(apiId);

    const [crash, objectBody, noStatus, ghost] = await Promise.all(
      ['/crash', '/object-body', '/no-status', '/ghost'].map((p) => fetch(`${cloud.endpoint}${invokePath(apiId, p)}`)),
    );

    expect(crash!.status).toBe(502);
    expect(await crash!.json()).toEqual({ message: 'Internal server error' });
    expect(objectBody!.status).toBe(502);
    expect(noStatus!.status).toBe(502);
    expect(ghost!.status).toBe(500);
    expect(await ghost!.json()).toEqual({ message: 'Internal server error' });
  });

  it('maps the proxy response: status, headers, multiValueHeaders and a base64 body', async () => {
    const { apiId, rootId } = await createLabApi(client);
    await addRoute(apiId, rootId, 'echo', 'POST', 'echo');
    await deploy(apiId);

    const res = await fetch(`${cloud.endpoint}${invokePath(apiId, '/echo')}`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    const event = JSON.parse(await res.text()) as Record<string, unknown>;

    expect(res.status).toBe(201);
    expect(res.headers.get('x-custom')).toBe('one');
    expect(res.headers.get('x-multi')).toBe('a, b');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(event.body).toBe('{"a":1}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('matches literal before {param} before {proxy+}, and ANY for every method', async () => {
    const { apiId, rootId, usersId } = await createLabApi(client);
    await addRoute(apiId, usersId, 'me', 'GET', 'echo');
    const proxyId = await addRoute(apiId, rootId, '{proxy+}', 'ANY', 'echo');
    await deploy(apiId);

    const me = await fetch(`${cloud.endpoint}${invokePath(apiId, '/users/me')}`);
    const meEvent = JSON.parse(await me.text()) as Loose;
    const deep = await fetch(`${cloud.endpoint}${invokePath(apiId, '/a/b/c%20d')}`, { method: 'DELETE' });
    const deepEvent = JSON.parse(await deep.text()) as Loose;
    const param = await fetch(`${cloud.endpoint}${invokePath(apiId, '/users/user123')}`);
    const fallback = await fetch(`${cloud.endpoint}${invokePath(apiId, '/users/user123')}`, { method: 'PUT' });
    const fallbackEvent = JSON.parse(await fallback.text()) as Loose;

    expect(meEvent.resource).toBe('/users/me');
    expect(meEvent.pathParameters).toBeNull();
    expect(deepEvent).toMatchObject({ resource: '/{proxy+}', httpMethod: 'DELETE', pathParameters: { proxy: 'a/b/c d' } });
    expect(deepEvent.requestContext.resourceId).toBe(proxyId);
    expect(param.status).toBe(200);
    expect(fallbackEvent.resource).toBe('/{proxy+}');
  });

  it('serves the deployed snapshot: changes take effect at the next deployment', async () => {
    const { apiId, rootId } = await createLabApi(client);
    await addRoute(apiId, rootId, 'later', 'GET', 'echo');

    const before = await fetch(`${cloud.endpoint}${invokePath(apiId, '/later')}`);
    await deploy(apiId);
    const after = await fetch(`${cloud.endpoint}${invokePath(apiId, '/later')}`);

    expect(before.status).toBe(403);
    expect(after.status).toBe(201);
  });

  it('substitutes stage variables in the integration URI', async () => {
    const { apiId, rootId } = await createLabApi(client);
    await addRoute(apiId, rootId, 'var', 'GET', '', { uri: lambdaUri('${stageVariables.fn}') });
    await deploy(apiId);
    await client.send(new UpdateStageCommand({ restApiId: apiId, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/variables/fn', value: 'echo' }] }));

    const res = await fetch(`${cloud.endpoint}${invokePath(apiId, '/var')}`);
    const event = JSON.parse(await res.text()) as Record<string, unknown>;

    expect(res.status).toBe(201);
    expect(event.stageVariables).toEqual({ fn: 'echo' });
  });

  it('answers 504 Endpoint request timed out after the integration timeout', async () => {
    const { apiId, rootId } = await createLabApi(client);
    await addRoute(apiId, rootId, 'hang', 'GET', 'hang', { timeoutInMillis: 50 });
    await deploy(apiId);

    const res = await fetch(`${cloud.endpoint}${invokePath(apiId, '/hang')}`);

    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ message: 'Endpoint request timed out' });
  });

  it('keeps APIs, deployments and stages across a restart of the local cloud', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'apigw-'));
    try {
      const first = await startLocalCloud({ port: 0, dataDir, apigateway: { invoker: lambda } });
      const { apiId } = await createLabApi(apiClient(first.endpoint));
      await first.close();

      const second = await startLocalCloud({ port: 0, dataDir, apigateway: { invoker: lambda } });
      const res = await fetch(`${second.endpoint}${invokePath(apiId, '/users/user123')}`);
      await second.close();

      expect(res.status).toBe(200);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
