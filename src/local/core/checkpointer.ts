/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside whichever commit
 * crosses the threshold, copying pages back and fsyncing on the event loop: under sustained X-Ray
 * ingest that was over half of the storage cost. A worker thread with its own connection runs PASSIVE
 * checkpoints instead (they never block the writer); the main connection keeps a high automatic
 * threshold as a safety net, and falls back to SQLite's default if the worker dies.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Main connection's own checkpoint threshold (pages) while the worker runs: only reached if it lags. */
export const SAFETY_NET_PAGES = 10_000;
const SQLITE_DEFAULT_PAGES = 1_000;
/** Longest `close` waits for the worker to close its connection, so the main one closes last and cleans up the WAL. */
const STOP_WAIT_MS = 2_000;

// Plain CommonJS evaluated in the worker, so it runs the same from src/ (tests) and dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const done = new Int32Array(workerData.done);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* locked or busy: the next round catches up */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { Atomics.store(done, 0, 1); Atomics.notify(done, 0); parentPort.close(); }
});
`;

export interface CheckpointerOptions {
  /** How often the worker checkpoints (ms). */
  everyMs?: number;
}

/** Start background checkpoints for the WAL database `db` opened from `file`; `db.close()` stops them. */
export function startCheckpointer(db: Database.Database, file: string, opts: CheckpointerOptions = {}): void {
  const done = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: opts.everyMs ?? 100, done },
  });
  worker.unref();
  let stopping = false;
  const fallback = () => {
    if (!stopping && db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`);
  };
  worker.on('error', fallback);
  worker.on('exit', fallback);
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const close = db.close.bind(db);
  db.close = () => {
    if (!stopping) {
      stopping = true;
      worker.postMessage('stop');
      Atomics.wait(new Int32Array(done), 0, 0, STOP_WAIT_MS);
    }
    return close();
  };
}
