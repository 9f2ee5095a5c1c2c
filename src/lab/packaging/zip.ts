/**
 * Byte-reproducible zips: same entries in → same bytes out. Everything that usually varies between runs is
 * pinned: entry order (sorted by name), timestamps (the DOS epoch, written as UTC), permissions (0644) and
 * no directory entries. Compression is zlib at a fixed level, deterministic for a given Node build.
 */
import { ZipArchive } from 'archiver';

export interface ZipEntry {
  /** Forward-slash relative path inside the archive. */
  name: string;
  data: Buffer;
}

/** 1980-01-01T00:00:00Z, the earliest time a zip's DOS date field can hold. */
export const FIXED_ZIP_DATE = new Date(Date.UTC(1980, 0, 1));
export const FIXED_FILE_MODE = 0o644;

export async function createDeterministicZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    archive.append(entry.data, { name: entry.name, date: FIXED_ZIP_DATE, mode: FIXED_FILE_MODE });
  }
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
