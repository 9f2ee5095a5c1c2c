import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/local/core/db.js';
import { SAFETY_NET_PAGES } from '../../../src/local/core/checkpointer.js';

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

describe('background WAL checkpoints', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('copy committed pages into the database file while the writer only appends to the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const row = 'x'.repeat(1000);
    // ~1,000 pages in separate commits: far below the main connection's own threshold.
    for (let i = 0; i < 4000; i++) insert.run(row);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);

    const copied = await until(() => statSync(join(dir, 'local-cloud.sqlite')).size >= 4000 * 1000);
    db.close();

    expect(copied).toBe(true);
  });

  it('lets the main connection close last, so the WAL is folded in and removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    dirs.push(dir);
    const db = openDatabase(dir);
    db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('kept');

    db.close();

    expect(existsSync(join(dir, 'local-cloud.sqlite-wal'))).toBe(false);
    const again = openDatabase(dir);
    expect(again.prepare('SELECT v FROM t').pluck().all()).toEqual(['kept']);
    again.close();
  });
});
