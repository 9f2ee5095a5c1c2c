/**
 * Extracts an uploaded deployment package without trusting it (the local Lambda unpacks learner uploads).
 * Two passes over the central directory: first every entry is checked — relative forward-slash path, no
 * `..` segment, no symlink, no encryption, total size within Lambda's 250 MB unzipped limit — and only then
 * is anything written. Files are created exclusively (`wx`) with owner-only modes; on any failure,
 * everything this call created is removed again.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** Lambda's limit for an unzipped deployment package: 250 MB (262,144,000 bytes). */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 250 * 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 50_000;

/** A zip we refuse to extract: path traversal, absolute path, symlink, too big, or not a zip at all. */
export class UnsafeZipError extends Error {
  readonly userError = true;
  constructor(
    readonly code: 'UnsafeZipEntry' | 'ZipTooLarge' | 'InvalidZip' | 'DestinationNotEmpty',
    message: string,
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'UnsafeZipError';
  }
}

export interface ExtractOptions {
  maxUncompressedBytes?: number;
  maxEntries?: number;
}

export interface ExtractResult {
  /** Relative paths of the files written, in archive order. */
  files: string[];
  bytes: number;
}

interface CheckedEntry {
  entry: Entry;
  name: string;
  isDirectory: boolean;
  executable: boolean;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function entryName(entry: Entry): string {
  // decodeStrings is off so yauzl's own name check cannot pre-empt ours with an untyped error.
  const raw = entry.fileName as unknown as Buffer;
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
}

function checkName(name: string): void {
  const reject = (why: string) => {
    throw new UnsafeZipError('UnsafeZipEntry', `Refusing zip entry "${name}": ${why}.`, name);
  };
  if (name === '' || name.includes('\0')) reject('empty or NUL in name');
  if (name.includes('\\')) reject('backslash in path');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) reject('absolute path');
  // Strict on purpose: no real package needs `..`, and refusing them all is simpler to trust.
  if (name.split('/').includes('..')) reject('".." path segment');
}

async function openZip(zip: Buffer): Promise<ZipFile> {
  try {
    return await yauzl.fromBufferPromise(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    throw new UnsafeZipError('InvalidZip', `Not a readable zip file: ${err instanceof Error ? err.message : String(err)}.`);
  }
}

async function readEntries(zipfile: ZipFile): Promise<Entry[]> {
  const entries: Entry[] = [];
  await new Promise<void>((done, fail) => {
    zipfile.on('entry', (entry: Entry) => {
      entries.push(entry);
      zipfile.readEntry();
    });
    zipfile.on('end', () => done());
    zipfile.on('error', fail);
    zipfile.readEntry();
  });
  return entries;
}

/** Pass 1: decide about every entry before writing a single byte. */
function checkEntries(entries: Entry[], maxBytes: number, maxEntries: number): CheckedEntry[] {
  if (entries.length > maxEntries) {
    throw new UnsafeZipError('ZipTooLarge', `Zip has ${entries.length} entries; the limit is ${maxEntries}.`);
  }
  let total = 0;
  return entries.map((entry) => {
    const name = entryName(entry);
    checkName(name);
    const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
    if ((unixMode & S_IFMT) === S_IFLNK) {
      throw new UnsafeZipError('UnsafeZipEntry', `Refusing zip entry "${name}": symbolic link.`, name);
    }
    if (entry.isEncrypted()) {
      throw new UnsafeZipError('UnsafeZipEntry', `Refusing zip entry "${name}": encrypted.`, name);
    }
    total += entry.uncompressedSize;
    if (total > maxBytes) {
      throw new UnsafeZipError('ZipTooLarge', `Zip expands to more than ${maxBytes} bytes (Lambda's unzipped limit).`, name);
    }
    return { entry, name, isDirectory: name.endsWith('/'), executable: (unixMode & 0o111) !== 0 };
  });
}

async function prepareDestination(destDir: string): Promise<boolean> {
  const existing = await stat(destDir).catch(() => undefined);
  if (!existing) {
    await mkdir(destDir, { recursive: true, mode: 0o700 });
    return true;
  }
  // A fresh or empty directory cannot hold a pre-planted symlink that an entry would write through.
  if (!existing.isDirectory() || (await readdir(destDir)).length > 0) {
    throw new UnsafeZipError('DestinationNotEmpty', 'The extraction folder must be absent or empty.');
  }
  return false;
}

export async function safeExtractZip(zip: Buffer, destDir: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const root = resolve(destDir);
  const maxBytes = options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  const entries = await readEntries(await openZip(zip)).catch((err: unknown) => {
    throw new UnsafeZipError('InvalidZip', `Cannot read the zip's entries: ${err instanceof Error ? err.message : String(err)}.`);
  });
  const checked = checkEntries(entries, maxBytes, options.maxEntries ?? DEFAULT_MAX_ENTRIES);

  const createdRoot = await prepareDestination(root);
  const zipfile = await openZip(zip);
  const files: string[] = [];
  let bytes = 0;
  let current: string | undefined;
  try {
    for (const item of checked) {
      current = item.name;
      const target = resolve(root, item.name);
      // Belt and braces: pass 1 already excluded every way out of root.
      if (target !== root && !target.startsWith(root + sep)) {
        throw new UnsafeZipError('UnsafeZipEntry', `Refusing zip entry "${item.name}": escapes the package folder.`, item.name);
      }
      if (item.isDirectory) {
        await mkdir(target, { recursive: true, mode: 0o700 });
        continue;
      }
      await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
      const source = await zipfile.openReadStreamPromise(item.entry);
      await pipeline(source, createWriteStream(target, { flags: 'wx', mode: item.executable ? 0o700 : 0o600 }));
      files.push(item.name);
      bytes += item.entry.uncompressedSize;
    }
    return { files, bytes };
  } catch (err) {
    // Nothing half-extracted survives: remove the whole root if we made it, else just what we wrote.
    if (createdRoot) await rm(root, { recursive: true, force: true });
    else for (const name of await readdir(root)) await rm(join(root, name), { recursive: true, force: true });
    if (err instanceof UnsafeZipError) throw err;
    // File-system messages carry the server's absolute paths: name the entry and the reason instead.
    throw new UnsafeZipError('InvalidZip', `Extracting zip entry "${current ?? '?'}" failed: ${fsReason(err)}.`, current);
  } finally {
    zipfile.close();
  }
}

/** Why writing an entry failed, in words that name no path on this machine. */
function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EEXIST') return 'the zip holds this path more than once';
  if (code === 'ENOTDIR' || code === 'EISDIR') return 'the zip uses this path both as a file and as a folder';
  if (code === 'ENAMETOOLONG') return 'the path is too long';
  if (code?.startsWith('Z_')) return "the entry's compressed data is corrupt";
  if (code) return `file system error ${code}`;
  return 'the entry\'s data is corrupt';
}
