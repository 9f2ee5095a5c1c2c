/** `xray-lab invoke` against the real lab handler on an in-process local cloud. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';
import { startLabStack, type LabStack } from './load-fixture.js';

let stack: LabStack;
let box: Sandbox;

beforeAll(async () => {
  stack = await startLabStack();
  box = await makeSandbox();
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await box?.dispose();
});

describe('invoke', () => {
  it('invokes user-service with the guide\'s event and shows the response, log tail and request id', async () => {
    const r = await box.run(['invoke', '--endpoint-url', stack.cloud.endpoint, '--json']);

    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ functionName: 'user-service', statusCode: 200, functionError: null, request: { httpMethod: 'GET', path: '/users/user123' } });
    expect(out.payload.statusCode).toBe(200);
    expect(JSON.parse(out.payload.body)).toMatchObject({ userId: 'user123', name: 'John Doe' });
    expect(out.logTail).toMatch(/START RequestId: .*\nEND RequestId: .*\nREPORT RequestId: /s);
    expect(out.requestId).toMatch(/^[0-9a-f-]{36}$/);
  }, 30_000);

  it('shows a 404 from the handler for an unknown user, in human form', async () => {
    const r = await box.run(['invoke', '--endpoint-url', stack.cloud.endpoint, '--user', 'nonexistent']);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Invoked user-service with GET \/users\/nonexistent: Lambda status 200$/m);
    expect(r.stdout).toMatch(/^Response: 404 \{"error":"User not found"\}$/m);
    expect(r.stdout).toMatch(/^Trace id: /m);
    expect(r.stdout).toMatch(/--- log tail ---\nSTART RequestId:/);
  }, 30_000);

  it('names the missing function with exit 2', async () => {
    const r = await box.run(['invoke', '--endpoint-url', stack.cloud.endpoint, '--function', 'nope']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/There is no function nope/);
  }, 30_000);
});
