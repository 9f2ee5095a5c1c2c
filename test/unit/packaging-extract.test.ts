import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipArchive } from 'archiver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeterministicZip } from '../../src/lab/packaging.js';
import { safeExtractZip, UnsafeZipError } from '../../src/local/core/safe-zip.js';

/** archiver sanitises hostile names, so hostile zips are made with a same-length placeholder, then patched. */
async function zipWithRawName(rawName: string, data = 'pwned'): Promise<Buffer> {
  const placeholder = 'Q'.repeat(rawName.length);
  const zip = await createDeterministicZip([
    { name: 'ok.txt', data: Buffer.from('fine') },
    { name: placeholder, data: Buffer.from(data) },
  ]);
  const patched = Buffer.from(zip.toString('latin1').split(placeholder).join(rawName), 'latin1');
  expect(patched.includes(Buffer.from(rawName))).toBe(true);
  return patched;
}

async function archive(build: (a: ZipArchive) => void): Promise<Buffer> {
  const a = new ZipArchive();
  const chunks: Buffer[] = [];
  a.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => a.on('end', resolve));
  build(a);
  await a.finalize();
  await ended;
  return Buffer.concat(chunks);
}

describe('safeExtractZip', () => {
  let base: string;
  let dest: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'xray-lab-extract-'));
    dest = join(base, 'out');
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('extracts a normal zip with owner-only file modes', async () => {
    const zip = await createDeterministicZip([
      { name: 'index.js', data: Buffer.from('exports.handler = 1;') },
      { name: 'lib/util.js', data: Buffer.from('x') },
    ]);

    const result = await safeExtractZip(zip, dest);

    expect(result).toEqual({ files: ['index.js', 'lib/util.js'], bytes: 21 });
    expect(await readFile(join(dest, 'index.js'), 'utf8')).toBe('exports.handler = 1;');
    expect((await stat(join(dest, 'lib/util.js'))).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['a ../ traversal', '../evil'],
    ['a nested traversal', 'a/../../evil'],
    ['an absolute path', '/tmp/evil'],
    ['a Windows drive path', 'C:/evil'],
  ])('rejects %s and writes nothing anywhere', async (_label, name) => {
    const zip = await zipWithRawName(name);

    const attempt = safeExtractZip(zip, dest);

    await expect(attempt).rejects.toBeInstanceOf(UnsafeZipError);
    await expect(attempt).rejects.toMatchObject({ code: 'UnsafeZipEntry', entry: name });
    expect(await readdir(base)).toEqual([]);
    expect(existsSync('/tmp/evil')).toBe(false);
  });

  it('rejects a symlink entry', async () => {
    const zip = await archive((a) => a.symlink('link', '/etc/passwd'));

    await expect(safeExtractZip(zip, dest)).rejects.toMatchObject({ code: 'UnsafeZipEntry', message: expect.stringContaining('symbolic link') });
    expect(await readdir(base)).toEqual([]);
  });

  it('rejects a zip whose contents exceed the size limit before writing', async () => {
    const zip = await createDeterministicZip([{ name: 'big.bin', data: Buffer.alloc(4096) }]);

    await expect(safeExtractZip(zip, dest, { maxUncompressedBytes: 4095 })).rejects.toMatchObject({ code: 'ZipTooLarge' });
    expect(await readdir(base)).toEqual([]);
  });

  it('removes what it already wrote when a later entry fails', async () => {
    // Duplicate names: the second write hits the exclusive-create flag after the first file exists.
    const zip = await archive((a) => {
      a.append('one', { name: 'dup.txt' });
      a.append('two', { name: 'dup.txt' });
    });

    await expect(safeExtractZip(zip, dest)).rejects.toBeInstanceOf(UnsafeZipError);
    expect(await readdir(base)).toEqual([]);
  });

  it('refuses a non-empty destination, leaving its contents alone', async () => {
    await mkdir(dest);
    await writeFile(join(dest, 'keep.txt'), 'mine');
    const zip = await createDeterministicZip([{ name: 'index.js', data: Buffer.from('x') }]);

    await expect(safeExtractZip(zip, dest)).rejects.toMatchObject({ code: 'DestinationNotEmpty' });
    expect(await readdir(dest)).toEqual(['keep.txt']);
  });

  it('rejects bytes that are not a zip', async () => {
    await expect(safeExtractZip(Buffer.from('not a zip at all'), dest)).rejects.toMatchObject({ code: 'InvalidZip' });
  });
});
