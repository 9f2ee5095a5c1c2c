import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fn, harness, json, payload, removeTempDirs, type Harness } from './helpers.js';

/** Sleeps, and reports when it started and ended in its own process, so overlap is checked without timing limits. */
const SLEEPER = `exports.handler = async (e) => {
  const start = Date.now();
  console.log('ran ' + e.i);
  await new Promise((r) => setTimeout(r, e.ms ?? 200));
  return { i: e.i, pid: process.pid, start, end: Date.now() };
};`;

interface Ran { i: number; pid: number; start: number; end: number }

describe('LambdaEngine scale-out', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('gives 8 concurrent invocations 8 environments, each a traced cold start, none waiting for another', async () => {
    // All 8 may boot at once here; the default lets one boot per core at a time (init-gate.ts).
    h = harness({ idleTimeoutMs: 300, initConcurrency: 8 });
    const spec = fn({ 'index.js': SLEEPER }, { tracingMode: 'Active' });

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => h.engine.invoke(spec, { payload: payload({ i }), awaitCompletion: true, traceHeader: sampledHeader(i) })));

    const ran = results.map((r) => json(r.payload) as Ran);
    expect(new Set(ran.map((r) => r.pid)).size).toBe(8);
    expect(results.every((r) => r.coldStart)).toBe(true);
    // Every invocation started before any ended: they ran side by side, not one behind another.
    expect(Math.max(...ran.map((r) => r.start))).toBeLessThan(Math.min(...ran.map((r) => r.end)));
    const docs = h.segments.map((d) => JSON.parse(d) as { origin?: string; subsegments?: { name: string }[] });
    const inits = docs.filter((d) => d.origin === 'AWS::Lambda::Function').flatMap((d) => d.subsegments ?? []).filter((s) => s.name === 'Initialization');
    expect(inits).toHaveLength(8);
    const reports = h.logs.flatMap((l) => l.events).filter((e) => e.message.startsWith('REPORT'));
    expect(reports.filter((e) => /\tInit Duration: [\d.]+ ms/.test(e.message))).toHaveLength(8);
    expect(h.engine.processIds(spec.name)).toHaveLength(8);

    // The environments go once idle for longer than the (shortened) idle time.
    await until(() => h.engine.processIds(spec.name).length === 0);
    expect(h.engine.processIds(spec.name)).toEqual([]);
  });

  it('throttles beyond reserved concurrency with Lambda Reason, and the throttled ones never run', async () => {
    h = harness();
    const spec = fn({ 'index.js': SLEEPER }, { reservedConcurrency: 2 });

    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => h.engine.invoke(spec, { payload: payload({ i, ms: 100 }), awaitCompletion: true })));

    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as { code: string; extra: Record<string, unknown> });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(refused.map((e) => [e.code, e.extra.Reason])).toEqual(Array(3).fill(['TooManyRequestsException', 'ReservedFunctionConcurrentInvocationLimitExceeded']));
    const ranLines = h.logs.flatMap((l) => l.events).filter((e) => e.message.includes('ran '));
    expect(ranLines).toHaveLength(2);
    expect(h.engine.concurrencyInUse(spec.name)).toBe(0);
  });

  it('with initConcurrency 2, 4 concurrent invocations still get 4 environments: waiting boots are not lost', async () => {
    h = harness({ initConcurrency: 2 });
    const spec = fn({ 'index.js': SLEEPER });

    const results = await Promise.all(Array.from({ length: 4 }, (_, i) => h.engine.invoke(spec, { payload: payload({ i, ms: 10 }), awaitCompletion: true })));

    expect(new Set(results.map((r) => (json(r.payload) as Ran).pid)).size).toBe(4);
    expect(results.every((r) => r.coldStart)).toBe(true);
  });

  it('does not run an invocation whose caller gave up before it started', async () => {
    h = harness();
    const spec = fn({ 'index.js': SLEEPER });
    const abort = new AbortController();
    abort.abort();

    const gone = await h.engine.invoke(spec, { payload: payload({ i: 1 }), signal: abort.signal }).catch((e: unknown) => e);

    expect(gone).toMatchObject({ code: 'RequestAbandoned' });
    expect(h.engine.processIds(spec.name)).toEqual([]);
  });
});

/** An upstream decision to trace, as API Gateway sends it, so every invocation writes its segments. */
function sampledHeader(i: number): string {
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${String(i).padStart(24, '0')}`;
  return `Root=${root};Parent=${'a'.repeat(15)}${i};Sampled=1`;
}

async function until(check: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}
