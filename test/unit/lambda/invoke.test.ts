import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/local/core/errors.js';
import { fn, harness, json, payload, removeTempDirs, type Harness } from './helpers.js';

describe('LambdaEngine invoke', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('returns the event from an async echo handler', async () => {
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async (event) => event;' });

    const r = await h.engine.invoke(spec, { payload: payload({ hello: 'world', n: [1, 2] }) });

    expect(r.statusCode).toBe(200);
    expect(r.functionError).toBeUndefined();
    expect(r.executedVersion).toBe('$LATEST');
    expect(json(r.payload)).toEqual({ hello: 'world', n: [1, 2] });
  });

  it('supports callback-style handlers, ESM modules and nested handler paths', async () => {
    h = harness();
    const cb = fn({ 'index.js': 'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { got: event.x, id: context.awsRequestId }), 5); };' });
    const esm = fn({ 'app.mjs': 'export const api = { handle: async (e) => ({ esm: e.x }) };' }, { handler: 'app.api.handle' });

    const r1 = await h.engine.invoke(cb, { payload: payload({ x: 7 }), requestId: 'req-cb-1' });
    const r2 = await h.engine.invoke(esm, { payload: payload({ x: 8 }) });

    expect(json(r1.payload)).toEqual({ got: 7, id: 'req-cb-1' });
    expect(r1.requestId).toBe('req-cb-1');
    expect(json(r2.payload)).toEqual({ esm: 8 });
  });

  it('passes an empty payload as {} and rejects a payload that is not JSON', async () => {
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async (event) => ({ event });' });

    const empty = await h.engine.invoke(spec, { payload: Buffer.alloc(0) });
    const bad = h.engine.invoke(spec, { payload: Buffer.from('{not json') });

    expect(json(empty.payload)).toEqual({ event: {} });
    await expect(bad).rejects.toBeInstanceOf(ServiceError);
    await expect(bad).rejects.toMatchObject({ code: 'InvalidRequestContentException', status: 400 });
  });

  it('reports an unhandled error as FunctionError Unhandled with the Node error payload', async () => {
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async () => { const e = new TypeError("boom"); throw e; };' });

    const r = await h.engine.invoke(spec, { payload: payload({}) });

    expect(r.statusCode).toBe(200);
    expect(r.functionError).toBe('Unhandled');
    const body = json(r.payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('TypeError');
    expect(body.errorMessage).toBe('boom');
    expect(body.trace[0]).toBe('TypeError: boom');
  });

  it('reports a missing handler export as an init error, and a missing module as an import error', async () => {
    h = harness();
    const noExport = fn({ 'index.js': 'exports.other = async () => 1;' });
    const noModule = fn({ 'other.js': '' });

    const r1 = await h.engine.invoke(noExport, { payload: payload({}) });
    const r2 = await h.engine.invoke(noModule, { payload: payload({}) });

    expect(r1.functionError).toBe('Unhandled');
    expect(json(r1.payload)).toMatchObject({ errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' });
    expect(json(r2.payload)).toMatchObject({ errorType: 'Runtime.ImportModuleError' });
    expect(h.engine.processIds(noExport.name)).toEqual([]);
  });

  it('answers DryRun with 204 without running, and Event with 202 while the function runs later', async () => {
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async (e) => { console.log("ran", e.tag); return 1; };' });

    const dry = await h.engine.invoke(spec, { payload: payload({ tag: 'dry' }), invocationType: 'DryRun' });
    const ev = await h.engine.invoke(spec, { payload: payload({ tag: 'event' }), invocationType: 'Event' });
    await h.engine.close();

    expect(dry.statusCode).toBe(204);
    expect(dry.payload.length).toBe(0);
    expect(ev.statusCode).toBe(202);
    expect(ev.payload.length).toBe(0);
    const lines = h.logs.flatMap((l) => l.events.map((e) => e.message));
    expect(lines.some((m) => m.includes('ran event'))).toBe(true);
    expect(lines.some((m) => m.includes('ran dry'))).toBe(false);
  });

  it('returns the invocation log as base64 Tail, from START to REPORT, with console lines formatted like the runtime', async () => {
    h = harness();
    const spec = fn({ 'index.js': 'exports.handler = async () => { console.log("two\\nlines"); console.error("bad", 42); return 1; };' });

    const r = await h.engine.invoke(spec, { payload: payload({}), logType: 'Tail', requestId: 'req-tail' });
    const plain = await h.engine.invoke(spec, { payload: payload({}) });

    const log = Buffer.from(r.logResult ?? '', 'base64').toString('utf8');
    expect(log).toMatch(/START RequestId: req-tail Version: \$LATEST\n/);
    expect(log).toMatch(/\d{4}-\d\d-\d\dT[\d:.]+Z\treq-tail\tINFO\ttwo\nlines\n/);
    expect(log).toMatch(/\treq-tail\tERROR\tbad 42\n/);
    expect(log).toMatch(/END RequestId: req-tail\nREPORT RequestId: req-tail\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/);
    expect(plain.logResult).toBeUndefined();
    expect(h.logs[0]?.group).toBe(`/aws/lambda/${spec.name}`);
    expect(h.logs[0]?.stream).toMatch(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('reports an exception thrown outside the handler chain and an init-time throw, then recovers', async () => {
    h = harness();
    const uncaught = fn({ 'index.js': 'exports.handler = (e, ctx, cb) => { if (e.throw) setTimeout(() => { throw new RangeError("late"); }, 1); else cb(null, "fine"); };' });
    const badInit = fn({ 'index.js': 'throw new Error("cannot start");' });

    const crashed = await h.engine.invoke(uncaught, { payload: payload({ throw: true }) });
    const next = await h.engine.invoke(uncaught, { payload: payload({}) });
    const init = await h.engine.invoke(badInit, { payload: payload({}), logType: 'Tail' });

    expect(crashed.functionError).toBe('Unhandled');
    expect(json(crashed.payload)).toMatchObject({ errorType: 'RangeError', errorMessage: 'late' });
    expect(json(next.payload)).toBe('fine');
    expect(next.coldStart).toBe(true);
    expect(json(init.payload)).toMatchObject({ errorType: 'Error', errorMessage: 'cannot start' });
    const log = Buffer.from(init.logResult ?? '', 'base64').toString();
    expect(log).toMatch(/ERROR\tUncaught Exception[^\n]*cannot start[\s\S]*START RequestId:[\s\S]*Status: error/);
  });
});
