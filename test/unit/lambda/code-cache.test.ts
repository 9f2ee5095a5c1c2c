import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { codeCachePath } from '../../../src/local/lambda/code-cache.js';
import { fn, harness, json, payload, removeTempDirs, type Harness } from './helpers.js';

const HANDLER_MODULE = fileURLToPath(new URL('../../../src/local/lambda/handler-module.mjs', import.meta.url));

/** Loads the handler module the way the runtime does, in a plain Node process like a function's, and reports the cache outcome. */
function loadInChild(codeDir: string): { codeCache: string; result: unknown } {
  const script = `import { loadCommonJs, readCommonJsCandidate } from ${JSON.stringify(HANDLER_MODULE)};
    const loaded = loadCommonJs(readCommonJsCandidate(${JSON.stringify(`${codeDir}/index.js`)}), ${JSON.stringify(codeCachePath(codeDir))});
    process.stdout.write(JSON.stringify({ codeCache: loaded.codeCache, result: loaded.exports.handler() }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(out.toString()) as { codeCache: string; result: unknown };
}

// Big enough to be worth a cache (≥ 64 KiB), with an eagerly compiled inner function.
const SOURCE = `exports.handler = () => (function () { return 'v1:' + [1, 2, 3].map((x) => x * 2).join(','); })();\n${'// padding\n'.repeat(7000)}`;

describe('LambdaEngine code cache', () => {
  let h: Harness;
  afterEach(async () => h?.engine.close());
  afterAll(removeTempDirs);

  it('prepares a V8 code cache beside the code dir that a cold start accepts', async () => {
    h = harness();
    const spec = fn({ 'index.js': SOURCE });

    await h.engine.prepare(spec);

    expect(existsSync(codeCachePath(spec.codeDir))).toBe(true);
    expect(existsSync(`${spec.codeDir}/index.js.v8cache`)).toBe(false);
    expect(loadInChild(spec.codeDir)).toEqual({ codeCache: 'accepted', result: 'v1:2,4,6' });
    const r = await h.engine.invoke(spec, { payload: payload({}) });
    expect(json(r.payload)).toBe('v1:2,4,6');
  });

  it('ignores a cache made for other source of the same length, and survives a corrupt one', async () => {
    h = harness();
    const spec = fn({ 'index.js': SOURCE });
    await h.engine.prepare(spec);
    const cache = readFileSync(codeCachePath(spec.codeDir));

    // V8 alone would accept this cache: it checks only the source length.
    writeFileSync(`${spec.codeDir}/index.js`, SOURCE.replace('v1:', 'v2:'));
    const stale = loadInChild(spec.codeDir);
    writeFileSync(`${spec.codeDir}/index.js`, SOURCE);
    const header = cache.subarray(0, cache.indexOf(10, cache.indexOf(10) + 1) + 1);
    writeFileSync(codeCachePath(spec.codeDir), Buffer.concat([header, Buffer.alloc(cache.length - header.length, 7)]));
    const corrupt = loadInChild(spec.codeDir);

    expect(stale).toEqual({ codeCache: 'none', result: 'v2:2,4,6' });
    expect(corrupt).toEqual({ codeCache: 'rejected', result: 'v1:2,4,6' });
    const r = await h.engine.invoke(spec, { payload: payload({}) });
    expect(json(r.payload)).toBe('v1:2,4,6');
  });

  it('prepares nothing for an ESM handler or a small one, and still runs them', async () => {
    h = harness();
    const esm = fn({ 'index.mjs': `export const handler = async () => "esm";\n${'// padding\n'.repeat(7000)}` });
    const small = fn({ 'index.js': 'exports.handler = async () => "small";' });

    await Promise.all([h.engine.prepare(esm), h.engine.prepare(small)]);
    const results = await Promise.all([esm, small].map((s) => h.engine.invoke(s, { payload: payload({}) })));

    expect(existsSync(codeCachePath(esm.codeDir))).toBe(false);
    expect(existsSync(codeCachePath(small.codeDir))).toBe(false);
    expect(results.map((r) => json(r.payload))).toEqual(['esm', 'small']);
  });
});
