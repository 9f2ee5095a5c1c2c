/**
 * The opt-in environment queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS) in the real engine with real
 * processes: at most n environments per function, the rest wait in arrival order, the wait is traced
 * as the local cloud's own, and a caller who leaves the queue never runs. No timing limits: order and
 * pids are compared, not durations.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LOCAL_QUEUE_SUBSEGMENT } from '../../../src/local/lambda/segments.js';
import { fn, harness, json, payload, removeTempDirs, SLEEPER, type Harness, type Ran } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const sampled = (n: number) => `Root=1-5759e988-bd862e3fe1be46a99427${String(n).padStart(4, '0')};Parent=53995c3f42cd8ad8;Sampled=1`;

describe('LambdaEngine with XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('at 1 environment runs 3 concurrent invocations one after another in it, tracing the 2nd and 3rd wait', async () => {
    h = harness({ maxEnvironments: 1 });
    const spec = fn({ 'index.js': SLEEPER }, { tracingMode: 'Active' });

    const results = await Promise.all([0, 1, 2].map((i) => h.engine.invoke(spec, { payload: payload({ i }), traceHeader: sampled(i), awaitCompletion: true })));

    const ran = results.map((r) => json(r.payload) as Ran);
    expect(results.map((r) => r.functionError)).toEqual([undefined, undefined, undefined]);
    expect(new Set(ran.map((r) => r.pid)).size).toBe(1);
    expect(h.engine.processIds(spec.name)).toHaveLength(1);
    // One after another, in arrival order: each starts after the one before it ended.
    expect(ran.map((r) => r.i)).toEqual([0, 1, 2]);
    expect(ran[1].start).toBeGreaterThanOrEqual(ran[0].end);
    expect(ran[2].start).toBeGreaterThanOrEqual(ran[1].end);
    expect(results.map((r) => r.coldStart)).toEqual([true, false, false]);

    const services = h.segments.map((s) => JSON.parse(s) as Doc).filter((d) => d.origin === 'AWS::Lambda');
    const queueOf = (i: number): Doc | undefined =>
      services.find((d) => d.trace_id === sampled(i).slice(5, 40))?.subsegments?.find((s: Doc) => s.name === LOCAL_QUEUE_SUBSEGMENT);
    expect(services).toHaveLength(3);
    expect(queueOf(0)).toBeUndefined();
    for (const i of [1, 2]) {
      const q = queueOf(i)!;
      expect(q.metadata.local_cloud).toMatchObject({ queue: 'XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS', max_environments: 1 });
      expect(q.metadata.local_cloud.note).toMatch(/AWS Lambda does not queue/);
      // The wait ends no later than the invocation begins in the function.
      expect(q.end_time * 1000).toBeLessThanOrEqual(ran[i].start + 1);
      expect(q.end_time).toBeGreaterThanOrEqual(q.start_time);
    }
    expect(h.engine.concurrencyInUse(spec.name)).toBe(0);
  });

  it('drops a queued invocation whose caller leaves: it never runs, and the queue behind it moves on', async () => {
    h = harness({ maxEnvironments: 1 });
    const spec = fn({ 'index.js': SLEEPER });

    // The first takes the only environment at once (the engine reaches the pool synchronously).
    const holding = h.engine.invoke(spec, { payload: payload({ i: 'hold', ms: 1000 }), awaitCompletion: true });
    const leavers = [1, 2, 3].map(() => new AbortController());
    const gone = leavers.map((a, i) => h.engine.invoke(spec, { payload: payload({ i: `gone${i}` }), signal: a.signal }).catch((e: unknown) => e));
    const after = h.engine.invoke(spec, { payload: payload({ i: 'after', ms: 10 }), awaitCompletion: true });
    await new Promise((r) => setTimeout(r, 50));
    for (const a of leavers) a.abort();

    expect(await Promise.all(gone)).toEqual(Array(3).fill(expect.objectContaining({ code: 'RequestAbandoned' })));
    // The slots of the callers who left are given back while the first still runs.
    expect(h.engine.concurrencyInUse(spec.name)).toBe(2);
    const [held, next] = await Promise.all([holding, after]);
    expect((json(held.payload) as Ran).i).toBe('hold');
    expect((json(next.payload) as Ran).i).toBe('after');
    await h.engine.flush();
    const ranLines = h.logs.flatMap((l) => l.events).map((e) => e.message).filter((m) => m.includes('ran '));
    expect(ranLines.map((m) => m.trim().split('\t').pop())).toEqual(['ran hold', 'ran after']);
    expect(h.engine.processIds(spec.name)).toHaveLength(1);
  });

  it('without the setting starts a new environment for each concurrent invocation, as AWS does', async () => {
    h = harness();
    const spec = fn({ 'index.js': SLEEPER }, { tracingMode: 'Active' });

    const results = await Promise.all([0, 1, 2].map((i) => h.engine.invoke(spec, { payload: payload({ i }), traceHeader: sampled(i), awaitCompletion: true })));

    expect(new Set(results.map((r) => (json(r.payload) as Ran).pid)).size).toBe(3);
    const services = h.segments.map((s) => JSON.parse(s) as Doc).filter((d) => d.origin === 'AWS::Lambda');
    expect(services.filter((d) => d.subsegments !== undefined)).toEqual([]);
  });
});
