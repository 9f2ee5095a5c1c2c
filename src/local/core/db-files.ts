/** Where the local cloud's database lives in a data dir, and its size: no SQLite needed (the CLI's `local status` reads it). */
import { statSync } from 'node:fs';
import { join } from 'node:path';

export const DATABASE_FILE = 'local-cloud.sqlite';

/** Bytes the database takes on disk in `dataDir` (main file plus write-ahead log); 0 when there is none. */
export function databaseDiskBytes(dataDir: string | undefined): number {
  if (!dataDir) return 0;
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      bytes += statSync(join(dataDir, DATABASE_FILE + suffix)).size;
    } catch {
      // absent: counts as nothing
    }
  }
  return bytes;
}
