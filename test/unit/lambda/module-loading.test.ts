import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fn, harness, json, payload, removeTempDirs, type Harness } from './helpers.js';

// The runtime compiles CommonJS handlers itself (fast path) and leaves everything else to import():
// these pin that both paths keep Node's semantics and the runtime's init error types.
describe('LambdaEngine handler module loading', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('gives a CommonJS handler the module scope Node gives it', async () => {
    h = harness();
    const spec = fn({
      'index.js': [
        'const helper = require("./helper.js");',
        'const self = this === module.exports;',
        'exports.handler = async () => ({ helper: helper.value, self, file: __filename.endsWith("/index.js"),',
        '  dir: __dirname === require("node:path").dirname(__filename), cached: require.cache[__filename] === module,',
        '  loaded: module.loaded, resolved: require.resolve("./helper.js") === __dirname + "/helper.js" });',
      ].join('\n'),
      'helper.js': 'exports.value = "from helper";',
    });

    const r = await h.engine.invoke(spec, { payload: payload({}) });

    expect(json(r.payload)).toEqual({ helper: 'from helper', self: true, file: true, dir: true, cached: true, loaded: true, resolved: true });
  });

  it('loads ESM syntax in a .js file (no package type), a "type": "module" package and a .cjs file', async () => {
    h = harness();
    const detected = fn({ 'index.js': 'export const handler = async () => "detected";' });
    const typed = fn({ 'index.js': 'export const handler = async () => "typed";', 'package.json': '{"type":"module"}' });
    const cjs = fn({ 'index.cjs': 'module.exports.handler = async () => "cjs";', 'package.json': '{"type":"module"}' });

    const results = await Promise.all([detected, typed, cjs].map((s) => h.engine.invoke(s, { payload: payload({}) })));

    expect(results.map((r) => json(r.payload))).toEqual(['detected', 'typed', 'cjs']);
  });

  it('runs a CommonJS handler that uses import(), resolving relative to its own file', async () => {
    h = harness();
    const spec = fn({
      'index.js': 'exports.handler = async () => (await import("./data.mjs")).value;',
      'data.mjs': 'export const value = "imported";',
    });

    const r = await h.engine.invoke(spec, { payload: payload({}), logType: 'Tail' });

    expect(json(r.payload)).toBe('imported');
    expect(Buffer.from(r.logResult ?? '', 'base64').toString()).not.toMatch(/Warning/);
  });

  it('reports a syntax error as Runtime.UserCodeSyntaxError, and runs a module that throws one at load only once', async () => {
    h = harness();
    const broken = fn({ 'index.js': 'exports.handler = async () => {;' });
    const throwsAtLoad = fn({ 'index.js': 'console.log("module ran"); JSON.parse("{oops");' });

    const r1 = await h.engine.invoke(broken, { payload: payload({}) });
    const r2 = await h.engine.invoke(throwsAtLoad, { payload: payload({}), logType: 'Tail' });

    expect(r1.functionError).toBe('Unhandled');
    expect(json(r1.payload)).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError' });
    expect(json(r2.payload)).toMatchObject({ errorType: 'Runtime.UserCodeSyntaxError' });
    const log = Buffer.from(r2.logResult ?? '', 'base64').toString();
    expect(log.match(/module ran/g)).toHaveLength(1);
  });
});
