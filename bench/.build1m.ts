import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { TraceStore } from '../src/local/xray/store.js';
import { labTraces } from './lib/traces.js';
const dir = process.argv[2]; const n = Number(process.argv[3]);
mkdirSync(dir, { recursive: true });
const db = new Database(`${dir}/local-cloud.sqlite`); db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
const store = new TraceStore(db, { clock: { now: () => Date.now() } });
const nowS = Math.floor(Date.now() / 1000);
let docs: string[] = []; const t0 = performance.now();
for (const t of labTraces(n, nowS - 30 * 86400, nowS - 60, 77)) { for (const d of t.docs) docs.push(d); if (docs.length >= 5000) { store.putTraceSegments(docs); docs = []; } }
if (docs.length) store.putTraceSegments(docs);
db.pragma('wal_checkpoint(TRUNCATE)'); db.close();
console.log('built', n, 'in', Math.round(performance.now() - t0), 'ms');
