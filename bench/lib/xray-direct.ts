/** Building a large X-Ray store fast for the benchmarks: straight into the store files, no HTTP. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { TraceStore } from '../../src/local/xray/store.js';
import type { LabTrace } from './traces.js';

const systemClock = { now: () => Date.now() };

/** Adds traces straight into the store files (the cloud is stopped), in big transactions. */
export function addDirect(dataDir: string, traces: Iterable<LabTrace>): void {
  const db = new Database(join(dataDir, 'local-cloud.sqlite'));
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

