/**
 * Durable storage for the local cloud: one SQLite file in the data dir (in memory when there is none).
 * WAL + synchronous=NORMAL: a committed transaction is in the OS before the call returns, so a SIGKILL
 * of the process loses no acknowledged write (only an OS crash could lose the last transactions).
 * Checkpoints run in a worker thread (checkpointer.ts), not inside request-path commits.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startCheckpointer } from './checkpointer.js';
import { DATABASE_FILE } from './db-files.js';

export type Db = Database.Database;

/** Page size of a newly created database file (bytes). */
export const PAGE_SIZE = 16_384;


export function openDatabase(dataDir?: string): Db {
  if (!dataDir) return new Database(':memory:');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, DATABASE_FILE);
  const fresh = !existsSync(file);
  const db = new Database(file);
  if (fresh) chmodSync(file, 0o600);
  // 16 KB pages, set before the first write (an existing file keeps its own): X-Ray's document rows
  // (~2.4 KB) and stored summaries (~3 KB) are each just over half a 4 KB page, so at 4 KB each took a
  // page of its own. A PutTraceSegments call of 10 lab traces now writes 15 WAL frames instead of 37,
  // a trace takes 6.9 KB of disk instead of 9.1 (BENCHMARKS.md, "Ingest cost per document").
  if (fresh) db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Once a checkpoint reset the WAL, give its disk space back instead of keeping the high-water mark.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  startCheckpointer(db, file);
  return db;
}

/**
 * A keyed set of JSON documents (roles, rules, functions, APIs…): an in-memory map for fast reads,
 * written through to SQLite on every change so state survives restarts and SIGKILL.
 */
export class Collection<T> {
  private readonly items = new Map<string, T>();
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;

  constructor(
    private readonly db: Db,
    readonly name: string,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS resources (collection TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (collection, key))');
    this.upsert = db.prepare('INSERT INTO resources (collection, key, doc) VALUES (?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET doc = excluded.doc');
    this.remove = db.prepare('DELETE FROM resources WHERE collection = ? AND key = ?');
    const rows = db.prepare('SELECT key, doc FROM resources WHERE collection = ? ORDER BY rowid').all(name) as { key: string; doc: string }[];
    for (const row of rows) this.items.set(row.key, JSON.parse(row.doc) as T);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  put(key: string, value: T): T {
    this.upsert.run(this.name, key, JSON.stringify(value));
    this.items.set(key, value);
    return value;
  }

  delete(key: string): boolean {
    this.remove.run(this.name, key);
    return this.items.delete(key);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  entries(): [string, T][] {
    return [...this.items.entries()];
  }

  get size(): number {
    return this.items.size;
  }
}
