import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl, { type Entry } from 'yauzl';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHandlerZip, defaultHandlerDir, FIXED_ZIP_DATE, UnsupportedRuntimeError } from '../../src/lab/packaging.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function listEntries(zip: Buffer): Promise<Entry[]> {
  const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zipfile.on('entry', (e: Entry) => {
      entries.push(e);
      zipfile.readEntry();
    });
    zipfile.on('end', () => resolve());
    zipfile.on('error', reject);
    zipfile.readEntry();
  });
  return entries;
}

describe('runtime validation', () => {
  it('rejects a non-Node runtime with a typed, explanatory error', async () => {
    const attempt = buildHandlerZip({ runtime: 'python3.9' });

    await expect(attempt).rejects.toBeInstanceOf(UnsupportedRuntimeError);
    await expect(attempt).rejects.toMatchObject({ code: 'UnsupportedRuntime', userError: true, message: expect.stringContaining('nodejs22.x') });
  });

  it('allows the deprecated nodejs20.x with a warning, and nodejs24.x without', async () => {
    const day = Date.parse('2026-12-05T00:00:00Z');
    const old = await buildHandlerZip({ runtime: 'nodejs20.x', nowMs: day });
    const current = await buildHandlerZip({ runtime: 'nodejs24.x', nowMs: day });

    expect(old.warning).toMatch(/nodejs20\.x is deprecated/);
    expect(current.warning).toBeUndefined();
    expect(current.runtime).toBe('nodejs24.x');
  });
});

describe('buildHandlerZip', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  it('builds byte-identical zips from the same sources', async () => {
    const first = await buildHandlerZip({ cache: false });
    const second = await buildHandlerZip({ cache: false });

    expect(second.zip.equals(first.zip)).toBe(true);
    expect(first.sha256).toBe(createHash('sha256').update(first.zip).digest('base64'));
    expect(first.size).toBe(first.zip.length);
    expect(first.handler).toBe('index.handler');
    expect(first.runtime).toBe('nodejs24.x');
  });

  it('contains exactly index.js at the root, with pinned time and 0644 mode', async () => {
    const { zip } = await buildHandlerZip();

    const entries = await listEntries(zip);

    expect(entries.map((e) => e.fileName)).toEqual(['index.js']);
    expect(entries[0].getLastModDate({ timezone: 'UTC' }).getTime()).toBe(FIXED_ZIP_DATE.getTime());
    expect((entries[0].externalFileAttributes >>> 16) & 0o7777).toBe(0o644);
  });

  it('bundles the SDKs instead of requiring them at run time', async () => {
    const { zip } = await buildHandlerZip();
    const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
    const [entry] = await new Promise<Entry[]>((resolve) => {
      zipfile.once('entry', (e: Entry) => resolve([e]));
      zipfile.readEntry();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of await zipfile.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    const code = Buffer.concat(chunks).toString('utf8');
    zipfile.close();

    expect(code).not.toMatch(/require\(["'](aws-xray-sdk-core|@aws-sdk\/client-dynamodb)["']\)/);
    expect(code).toContain('user_processing');
  });

  it('emits only CommonJS the local runtime can compile with its code cache: no import(), SDK ESM builds', async () => {
    const { zip } = await buildHandlerZip();
    const zipfile = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
    const entry = await new Promise<Entry>((resolve) => {
      zipfile.once('entry', resolve);
      zipfile.readEntry();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of await zipfile.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    const code = Buffer.concat(chunks).toString('utf8');
    zipfile.close();

    expect(code).not.toMatch(/\bimport\s*\(/);
    // bowser (browser user-agent parsing) only comes in through the SDK's CommonJS `main` builds.
    expect(code).not.toContain('bowser');
  });

  it('serves repeated calls from the cache and rebuilds when the handler sources change', async () => {
    // The copy lives inside the repo so esbuild still resolves node_modules from it.
    await mkdir(join(ROOT, '.tmp'), { recursive: true });
    const dir = await mkdtemp(join(ROOT, '.tmp', 'handler-copy-'));
    scratch.push(dir);
    await cp(defaultHandlerDir(), dir, { recursive: true });

    const first = await buildHandlerZip({ handlerDir: dir });
    const again = await buildHandlerZip({ handlerDir: dir });
    const requestTs = join(dir, 'request.ts');
    await writeFile(requestTs, (await readFile(requestTs, 'utf8')).replace("'user123'", "'user999'"));
    const changed = await buildHandlerZip({ handlerDir: dir });

    expect(again).toBe(first);
    expect(changed).not.toBe(first);
    expect(changed.zip.equals(first.zip)).toBe(false);
  });
});

describe('defaultHandlerDir', () => {
  it('finds handlers/user-service from src/ and from a compiled dist/ location alike', () => {
    const expected = join(ROOT, 'handlers', 'user-service');

    expect(defaultHandlerDir()).toBe(expected);
    expect(defaultHandlerDir(join(ROOT, 'dist', 'src', 'lab', 'packaging'))).toBe(expected);
  });
});
