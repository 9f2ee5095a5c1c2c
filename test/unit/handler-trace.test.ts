/**
 * Lambda-mode tracing: each scenario runs the TypeScript handler in its own Node process (the X-Ray SDK
 * decides Lambda mode at import time and keeps global state) with the env Lambda would set, and a real
 * UDP socket as the daemon. Asserts the documents the SDK actually sends.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Daemon,
  type Dynamo,
  functionEnv,
  lastJsonLine,
  runNode,
  seedUserProfiles,
  startDaemon,
  startDynalite,
  TRACE_HEADER,
  TRACE_PARENT,
  TRACE_ROOT,
  type XRayDocument,
} from './handler-harness.js';

const INVOKE = fileURLToPath(new URL('./handler-invoke.ts', import.meta.url));

interface Result {
  statusCode: number;
  body: string;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const byName = (docs: XRayDocument[], name: string) => {
  const found = docs.filter((d) => d.name === name);
  expect(found, `exactly one ${name} document`).toHaveLength(1);
  return found[0];
};

describe('user-service handler in Lambda mode emits X-Ray subsegments', () => {
  let dynamo: Dynamo;
  let daemon: Daemon;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await seedUserProfiles(dynamo.endpoint);
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  beforeEach(async () => {
    daemon = await startDaemon();
  });
  afterEach(async () => {
    await daemon?.close();
  });

  const invoke = (event: object, env: Record<string, string> = {}) =>
    runNode(['--import', 'tsx', INVOKE, JSON.stringify(event)], {
      env: functionEnv({
        AWS_ENDPOINT_URL: dynamo.endpoint,
        LAMBDA_TASK_ROOT: '/var/task',
        AWS_LAMBDA_FUNCTION_NAME: 'user-service',
        _X_AMZN_TRACE_ID: TRACE_HEADER,
        AWS_XRAY_DAEMON_ADDRESS: daemon.address,
        SIMULATED_WORK_MS: '0',
        ...env,
      }),
    });

  it('records user_processing with annotations and a nested DynamoDB GetItem subsegment', async () => {
    const event = {
      httpMethod: 'GET',
      path: '/users/user123',
      headers: { 'User-Agent': 'lab-test/1.0' },
      requestContext: { identity: { sourceIp: '198.51.100.7' } },
    };

    const child = await invoke(event);
    const docs = await daemon.waitFor(2);

    expect(child.code, child.stderr).toBe(0);
    expect(lastJsonLine<Result>(child.stdout).statusCode).toBe(200);
    expect(daemon.headers.every((h) => h === '{"format":"json","version":1}')).toBe(true);
    const processing = byName(docs, 'user_processing');
    const dynamoSub = byName(docs, 'DynamoDB');
    expect(processing).toMatchObject({
      type: 'subsegment',
      trace_id: TRACE_ROOT,
      parent_id: TRACE_PARENT,
      annotations: { service: 'user-service', operation: 'GET', user_found: true },
      metadata: { default: { request_info: { path: '/users/user123', user_agent: 'lab-test/1.0', source_ip: '198.51.100.7' } } },
    });
    expect(processing.annotations).not.toHaveProperty('error');
    expect(dynamoSub).toMatchObject({
      type: 'subsegment',
      namespace: 'aws',
      trace_id: TRACE_ROOT,
      parent_id: processing.id,
      aws: { operation: 'GetItem', table_name: 'UserProfiles' },
      http: { response: { status: 200 } },
    });
  });

  it('awaits the simulated work inside user_processing, before the DynamoDB call', async () => {
    const child = await invoke({ httpMethod: 'GET', path: '/users/user123' }, { SIMULATED_WORK_MS: '60' });
    const docs = await daemon.waitFor(2);

    expect(child.code, child.stderr).toBe(0);
    const processing = byName(docs, 'user_processing') as XRayDocument & { start_time: number };
    const dynamoSub = byName(docs, 'DynamoDB') as XRayDocument & { start_time: number };
    // Ordering, not speed: the call cannot start before the (≥60 ms, timers may round by 1 ms) wait ends.
    expect(dynamoSub.start_time - processing.start_time).toBeGreaterThanOrEqual(0.058);
  });

  it('annotates user_found=false and answers 404 for an unknown user', async () => {
    const child = await invoke({ httpMethod: 'GET', path: '/users/nonexistent' });
    const docs = await daemon.waitFor(2);

    expect(lastJsonLine<Result>(child.stdout).statusCode).toBe(404);
    expect(byName(docs, 'user_processing').annotations).toEqual({ service: 'user-service', operation: 'GET', user_found: false });
  });

  it('marks user_processing with error=true and error_details when the table is missing', async () => {
    const child = await invoke({ path: '/users/user123' }, { TABLE_NAME: 'NoSuchTable' });
    const docs = await daemon.waitFor(2);

    expect(lastJsonLine<Result>(child.stdout)).toMatchObject({ statusCode: 500, body: '{"error":"Internal server error"}' });
    const processing = byName(docs, 'user_processing');
    expect(processing.annotations).toEqual({ service: 'user-service', operation: 'unknown', error: true });
    expect(processing.metadata?.default.error_details).toMatch(/not found/i);
    expect(processing.fault).toBe(true);
    expect(byName(docs, 'DynamoDB')).toMatchObject({ parent_id: processing.id, aws: { operation: 'GetItem', table_name: 'NoSuchTable' } });
  });

  it('answers 500 and records the error when DynamoDB cannot be reached', async () => {
    const port = await closedPort();

    const child = await invoke({ httpMethod: 'GET', path: '/users/user123' }, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_MAX_ATTEMPTS: '1' });
    const docs = await daemon.waitFor(2);

    expect(lastJsonLine<Result>(child.stdout).statusCode).toBe(500);
    const processing = byName(docs, 'user_processing');
    expect(processing.annotations).toMatchObject({ error: true });
    expect(byName(docs, 'DynamoDB').parent_id).toBe(processing.id);
  });

  it('sends nothing when Lambda says the request is not sampled', async () => {
    const child = await invoke({ httpMethod: 'GET', path: '/users/user123' }, { _X_AMZN_TRACE_ID: `Root=${TRACE_ROOT};Parent=${TRACE_PARENT};Sampled=0` });

    expect(lastJsonLine<Result>(child.stdout).statusCode).toBe(200);
    // The child has exited, so any datagram it sent is already in our socket's queue.
    await expect(daemon.waitFor(1, 300)).rejects.toThrow(/got 0/);
  });
});
