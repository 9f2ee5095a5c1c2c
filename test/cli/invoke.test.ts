/** `xray-lab invoke` against the real lab handler on an in-process local cloud. */
import { describe, expect } from 'vitest';
import { labStackTest as it } from '../support/fixtures.js';

describe('invoke', () => {
  it('invokes user-service with the guide\'s event and shows the response, log tail and request id', async ({ stack, box }) => {
    const r = await box.run(['invoke', '--endpoint-url', stack.cloud.endpoint, '--json']);

    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ functionName: 'user-service', statusCode: 200, functionError: null, request: { httpMethod: 'GET', path: '/users/user123' } });
    expect(out.payload.statusCode).toBe(200);
    expect(JSON.parse(out.payload.body)).toMatchObject({ userId: 'user123', name: 'John Doe' });
    expect(out.logTail).toMatch(/START RequestId: .*\nEND RequestId: .*\nREPORT RequestId: /s);
    expect(out.requestId).toMatch(/^[0-9a-f-]{36}$/);
  }, 90_000);

  it('shows a 404 from the handler for an unknown user, in human form', async ({ stack, box }) => {
    const r = await box.run(['invoke', '--endpoint-url', stack.cloud.endpoint, '--user', 'nonexistent']);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Invoked user-service with GET \/users\/nonexistent: Lambda status 200$/m);
    expect(r.stdout).toMatch(/^Response: 404 \{"error":"User not found"\}$/m);
    expect(r.stdout).toMatch(/^Trace id: /m);
    expect(r.stdout).toMatch(/--- log tail ---\nSTART RequestId:/);
  }, 30_000);

  it('names the missing function with exit 2', async ({ stack, box }) => {
    const r = await box.run(['invoke', '--endpoint-url', stack.cloud.endpoint, '--function', 'nope']);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/There is no function nope/);
  }, 30_000);
});
