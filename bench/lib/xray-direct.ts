/** Building a large X-Ray store fast for the benchmarks: straight into the store files, no HTTP. */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_SIZE } from '../../src/local/core/db.js';
import { DATABASE_FILE } from '../../src/local/core/db-files.js';
import { TraceStore } from '../../src/local/xray/store.js';
import type { LabTrace } from './traces.js';

const systemClock = { now: () => Date.now() };

/** Adds traces straight into the store files (the cloud is stopped), in big transactions. */
export function addDirect(dataDir: string, traces: Iterable<LabTrace>): void {
  const file = join(dataDir, DATABASE_FILE);
  const fresh = !existsSync(file);
  const db = new Database(file);
  // The page size a data dir made by the local cloud gets (db.ts), so disk figures match a real store.
  if (fresh) db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const store = new TraceStore(db, { clock: systemClock });
  let docs: string[] = [];
  for (const t of traces) {
    for (const d of t.docs) docs.push(d);
    if (docs.length >= 5_000) {
      store.putTraceSegments(docs);
      docs = [];
    }
  }
  if (docs.length) store.putTraceSegments(docs);
  // As the local cloud does when it stops.
  store.checkpoint();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

