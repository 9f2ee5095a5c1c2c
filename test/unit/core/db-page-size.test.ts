/**
 * New database files get 16 KB pages (X-Ray's rows are just over half a 4 KB page); a file created
 * before keeps the page size it was written with and opens as it was.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, PAGE_SIZE } from '../../../src/local/core/db.js';
import { DATABASE_FILE } from '../../../src/local/core/db-files.js';
import { tempDir } from '../../support/local-cloud.js';

describe('database page size', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('is 16 KB for a new data dir, and survives a reopen', () => {
    // Arrange
    const dir = tempDir();
    dirs.push(dir);
    const db = openDatabase(dir.path);
    db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')");
    db.close();

    // Act
    const again = openDatabase(dir.path);

    // Assert
    expect(PAGE_SIZE).toBe(16_384);
    expect(again.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(again.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.prepare('SELECT v FROM t').pluck().get()).toBe('kept');
    again.close();
  });

  it('stays what it was for a database written before', () => {
    // Arrange: a 4 KB-page database, as data dirs created before this change hold.
    const dir = tempDir();
    dirs.push(dir);
    const old = new Database(join(dir.path, DATABASE_FILE));
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('old')");
    old.close();

    // Act
    const db = openDatabase(dir.path);

    // Assert
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    expect(db.prepare('SELECT v FROM t').pluck().get()).toBe('old');
    db.close();
  });
});
