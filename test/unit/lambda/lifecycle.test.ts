import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fn, harness, isAlive, json, payload, removeTempDirs, type Harness } from './helpers.js';

const pidHandler = 'exports.handler = async (e) => ({ pid: process.pid, e });';

describe('LambdaEngine process lifecycle', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('starts cold once, then reuses the same warm process', async () => {
    h = harness({ onSegments: () => undefined });
    const spec = fn({ 'index.js': pidHandler });

    const first = await h.engine.invoke(spec, { payload: payload({}) });
    const second = await h.engine.invoke(spec, { payload: payload({}) });

    expect(first.coldStart).toBe(true);
    expect(second.coldStart).toBe(false);
    expect((json(second.payload) as { pid: number }).pid).toBe((json(first.payload) as { pid: number }).pid);
    expect(h.engine.processIds(spec.name)).toEqual([(json(first.payload) as { pid: number }).pid]);
  });

  it('kills a timed-out process, reports the timeout, and serves the next invoke from a fresh process', async () => {
    h = harness();
    const spec = fn({ 'index.js': `exports.handler = async (e) => { if (e.hang) await new Promise(() => setInterval(() => {}, 1000)); return { pid: process.pid }; };` },
      { timeoutS: 0.3 });
    const warm = await h.engine.invoke(spec, { payload: payload({}) });
    const oldPid = (json(warm.payload) as { pid: number }).pid;

    const timedOut = await h.engine.invoke(spec, { payload: payload({ hang: true }), requestId: 'req-hang', logType: 'Tail' });
    const after = await h.engine.invoke(spec, { payload: payload({}) });

    expect(timedOut.functionError).toBe('Unhandled');
    const message = (json(timedOut.payload) as { errorMessage: string }).errorMessage;
    expect(message).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z req-hang Task timed out after 0\.30 seconds$/);
    expect(Buffer.from(timedOut.logResult ?? '', 'base64').toString()).toContain(`${message}\n`);
    expect(isAlive(oldPid)).toBe(false);
    expect(after.coldStart).toBe(true);
    expect((json(after.payload) as { pid: number }).pid).not.toBe(oldPid);
  });

  it('turns process.exit during an invocation into Runtime.ExitError without harming other functions', async () => {
    h = harness();
    const exiting = fn({ 'index.js': 'exports.handler = async (e) => { if (e.exit) process.exit(3); return "ok"; };' });
    const other = fn({ 'index.js': pidHandler });
    const otherFirst = await h.engine.invoke(other, { payload: payload({}) });

    const crashed = await h.engine.invoke(exiting, { payload: payload({ exit: true }), requestId: 'req-exit' });
    const next = await h.engine.invoke(exiting, { payload: payload({}) });
    const otherAfter = await h.engine.invoke(other, { payload: payload({}) });

    expect(crashed.functionError).toBe('Unhandled');
    expect(json(crashed.payload)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: 'RequestId: req-exit Error: Runtime exited with error: exit status 3',
    });
    expect(next.functionError).toBeUndefined();
    expect(json(next.payload)).toBe('ok');
    expect(next.coldStart).toBe(true);
    expect(otherAfter.coldStart).toBe(false);
    expect((json(otherAfter.payload) as { pid: number }).pid).toBe((json(otherFirst.payload) as { pid: number }).pid);
  });

  it('runs what fits the concurrency limit at once and throttles the rest without queueing them', async () => {
    // Four boots at once, so no environment comes free for another invocation before all four run.
    h = harness({ concurrencyLimit: 4, initConcurrency: 4 });
    const spec = fn({ 'index.js': 'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, 50)); return { i: e.i, pid: process.pid }; };' });

    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => h.engine.invoke(spec, { payload: payload({ i }) })));

    const ran = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string; status: number; extra: Record<string, unknown> }] : []));
    expect(ran.map((r) => (json(r.payload) as { i: number }).i)).toEqual([0, 1, 2, 3]);
    expect(new Set(ran.map((r) => (json(r.payload) as { pid: number }).pid)).size).toBe(4);
    expect(ran.every((r) => r.coldStart)).toBe(true);
    expect(refused).toHaveLength(16);
    expect(refused.every((e) => e.code === 'TooManyRequestsException' && e.status === 429 && e.extra.Reason === 'ConcurrentInvocationLimitExceeded')).toBe(true);
    const after = await h.engine.invoke(spec, { payload: payload({ i: 99 }) });
    expect(after.coldStart).toBe(false);
  });

  it('leaves no process running after evict and close', async () => {
    h = harness();
    const a = fn({ 'index.js': pidHandler });
    const b = fn({ 'index.js': pidHandler });
    const pa = await Promise.all([1, 2].map(() => h.engine.invoke(a, { payload: payload({}) })));
    const pb = await h.engine.invoke(b, { payload: payload({}) });
    const aPids = pa.map((r) => (json(r.payload) as { pid: number }).pid);
    const bPid = (json(pb.payload) as { pid: number }).pid;
    expect([...aPids, bPid].every(isAlive)).toBe(true);

    await h.engine.evict(a.name);
    const bAliveAfterEvict = isAlive(bPid);
    await h.engine.close();

    expect(aPids.some(isAlive)).toBe(false);
    expect(bAliveAfterEvict).toBe(true);
    expect(isAlive(bPid)).toBe(false);
    expect(h.engine.processIds()).toEqual([]);
  });

  it('replaces warm processes when the code changes and stops idle ones after idleTimeoutMs', async () => {
    h = harness({ idleTimeoutMs: 200 });
    const v1 = fn({ 'index.js': pidHandler });
    const first = await h.engine.invoke(v1, { payload: payload({}) });
    const pid1 = (json(first.payload) as { pid: number }).pid;

    const v2 = await h.engine.invoke({ ...v1, codeSha256: 'changed' }, { payload: payload({}) });
    const pid2 = (json(v2.payload) as { pid: number }).pid;
    await new Promise((r) => setTimeout(r, 600));

    expect(v2.coldStart).toBe(true);
    expect(pid2).not.toBe(pid1);
    expect(isAlive(pid1)).toBe(false);
    expect(isAlive(pid2)).toBe(false);
    expect(h.engine.processIds()).toEqual([]);
  });

  it('gives the function the Lambda environment and none of the parent AWS_* or XRAY_LAB_* variables', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'parent-secret';
    process.env.AWS_PROFILE = 'parent-profile';
    process.env.XRAY_LAB_TARGET = 'aws';
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async () => ({ env: process.env, cwd: process.cwd() });' },
      { env: { TABLE_NAME: 'UserProfiles' }, memoryMb: 256 });
    try {
      const r = await h.engine.invoke(spec, { payload: payload({}) });
      const { env, cwd } = json(r.payload) as { env: Record<string, string>; cwd: string };

      expect(env.AWS_SECRET_ACCESS_KEY).not.toBe('parent-secret');
      expect(env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA[A-Z0-9]{16}$/);
      expect(env.AWS_SESSION_TOKEN).toBeTruthy();
      expect(env.AWS_PROFILE).toBeUndefined();
      expect(Object.keys(env).filter((k) => k.startsWith('XRAY_LAB_'))).toEqual([]);
      expect(env).toMatchObject({
        TABLE_NAME: 'UserProfiles',
        AWS_LAMBDA_FUNCTION_NAME: spec.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        LAMBDA_TASK_ROOT: spec.codeDir,
        _HANDLER: 'index.handler',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
        AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
        AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      });
      expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
      // PassThrough (the default) and no upstream decision: Root only, which the X-Ray SDK treats as a no-op.
      expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      expect(cwd).toBe(spec.codeDir);
    } finally {
      delete process.env.AWS_SECRET_ACCESS_KEY;
      delete process.env.AWS_PROFILE;
      delete process.env.XRAY_LAB_TARGET;
    }
  });

  it('lets an invocation in flight finish when its function is evicted, then stops the process', async () => {
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 200)); return { pid: process.pid }; };' });

    const running = h.engine.invoke(spec, { payload: payload({}) });
    await new Promise((r) => setTimeout(r, 50));
    const evicted = h.engine.evict(spec.name);
    const r = await running;
    await evicted;

    expect(r.functionError).toBeUndefined();
    expect(isAlive((json(r.payload) as { pid: number }).pid)).toBe(false);
  });
});
