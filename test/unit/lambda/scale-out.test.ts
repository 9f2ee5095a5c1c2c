import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fn, harness, json, payload, removeTempDirs, SLEEPER, type Harness, type Ran } from './helpers.js';

/**
 * A rendezvous: each invocation writes its pid to a shared file, then waits (up to 20 s) until all
 * `n` have written. All meeting proves they ran at the same time; one queued behind another would not.
 */
const RENDEZVOUS = `const fs = require('node:fs');
exports.handler = async (e) => {
  fs.appendFileSync(e.file, process.pid + '\\n');
  const deadline = Date.now() + 20000;
  while (fs.readFileSync(e.file, 'utf8').trim().split('\\n').length < e.n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 200));
  return { pid: process.pid, met: fs.readFileSync(e.file, 'utf8').trim().split('\\n').length >= e.n };
};`;

describe('LambdaEngine scale-out', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('gives 8 concurrent invocations 8 environments, each a traced cold start, none waiting for another', async () => {
    // All 8 may boot at once here; the default lets one boot per core at a time (init-gate.ts).
    h = harness({ idleTimeoutMs: 300, initConcurrency: 8 });
    const spec = fn({ 'index.js': RENDEZVOUS }, { tracingMode: 'Active', timeoutS: 30 });
    const file = join(mkdtempSync(join(tmpdir(), 'rendezvous-')), 'pids');
    writeFileSync(file, '');

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => h.engine.invoke(spec, { payload: payload({ file, n: 8 }), awaitCompletion: true, traceHeader: sampledHeader(i) })));

    const ran = results.map((r) => json(r.payload) as { pid: number; met: boolean });
    expect(new Set(ran.map((r) => r.pid)).size).toBe(8);
    expect(results.every((r) => r.coldStart)).toBe(true);
    // All 8 met at the rendezvous: they ran side by side, none behind another.
    expect(ran.every((r) => r.met)).toBe(true);
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

  it('hands an environment that comes free to an invocation still waiting for its boot turn, booting one fewer', async () => {
    // One boot at a time: the 2nd invocation boots once the 1st environment is up; the 3rd is still
    // waiting for its turn when the 1st environment finishes its 10 ms, and takes it.
    h = harness({ initConcurrency: 1 });
    const spec = fn({ 'index.js': SLEEPER });

    const results = await Promise.all(Array.from({ length: 3 }, (_, i) => h.engine.invoke(spec, { payload: payload({ i, ms: 10 }), awaitCompletion: true })));

    expect(results.map((r) => (json(r.payload) as Ran).i)).toEqual([0, 1, 2]);
    expect(new Set(results.map((r) => (json(r.payload) as Ran).pid)).size).toBe(2);
    expect(results.filter((r) => r.coldStart)).toHaveLength(2);
    expect(h.engine.processIds(spec.name)).toHaveLength(2);
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
