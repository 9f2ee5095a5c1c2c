/**
 * CloudWatch Logs storage: groups, streams and events in their own SQLite tables. Events are
 * appended as rows (indexed by group/stream/time), never as a document rewritten per append, so a
 * chatty function costs one INSERT per line.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../../core/db.js';

export interface GroupRow {
  name: string;
  created: number;
  retention: number | null;
  tags: string;
  stored_bytes: number;
}

export interface StreamRow {
  grp: string;
  name: string;
  created: number;
  first_ts: number | null;
  last_ts: number | null;
  last_ingest: number | null;
  stored_bytes: number;
}

export interface EventRow {
  id: number;
  stream: string;
  ts: number;
  ingest: number;
  message: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS logs_groups (name TEXT PRIMARY KEY, created INTEGER NOT NULL, retention INTEGER, tags TEXT NOT NULL DEFAULT '{}', stored_bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS logs_streams (grp TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL, first_ts INTEGER, last_ts INTEGER, last_ingest INTEGER, stored_bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (grp, name));
CREATE TABLE IF NOT EXISTS logs_events (id INTEGER PRIMARY KEY AUTOINCREMENT, grp TEXT NOT NULL, stream TEXT NOT NULL, ts INTEGER NOT NULL, ingest INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS logs_events_stream ON logs_events (grp, stream, ts, id);
CREATE INDEX IF NOT EXISTS logs_events_group ON logs_events (grp, ts, id);
`;

/** A position in (timestamp, id) order: tokens and cursors carry one of these. */
export interface Cursor {
  ts: number;
  id: number;
}

export class LogStore {
  private readonly stmts: Record<string, Database.Statement>;

  constructor(private readonly db: Db) {
    db.exec(SCHEMA);
    this.stmts = {
      getGroup: db.prepare('SELECT * FROM logs_groups WHERE name = ?'),
      insertGroup: db.prepare('INSERT INTO logs_groups (name, created, tags) VALUES (?, ?, ?)'),
      listGroups: db.prepare('SELECT * FROM logs_groups WHERE name >= ? AND substr(name, 1, length(?)) = ? ORDER BY name LIMIT ?'),
      setTags: db.prepare('UPDATE logs_groups SET tags = ? WHERE name = ?'),
      setRetention: db.prepare('UPDATE logs_groups SET retention = ? WHERE name = ?'),
      getStream: db.prepare('SELECT * FROM logs_streams WHERE grp = ? AND name = ?'),
      insertStream: db.prepare('INSERT INTO logs_streams (grp, name, created) VALUES (?, ?, ?)'),
      listStreams: db.prepare('SELECT * FROM logs_streams WHERE grp = ? ORDER BY name'),
      insertEvent: db.prepare('INSERT INTO logs_events (grp, stream, ts, ingest, message) VALUES (?, ?, ?, ?, ?)'),
      touchStream: db.prepare(
        'UPDATE logs_streams SET first_ts = min(coalesce(first_ts, ?), ?), last_ts = max(coalesce(last_ts, ?), ?), last_ingest = ?, stored_bytes = stored_bytes + ? WHERE grp = ? AND name = ?',
      ),
      addGroupBytes: db.prepare('UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE name = ?'),
    };
  }

  group(name: string): GroupRow | undefined {
    return this.stmts.getGroup!.get(name) as GroupRow | undefined;
  }

  createGroup(name: string, created: number, tags: Record<string, string>): void {
    this.stmts.insertGroup!.run(name, created, JSON.stringify(tags));
  }

  /** Groups whose name starts with `prefix`, from `after` on (inclusive), in name order. */
  groups(prefix: string, from: string, limit: number): GroupRow[] {
    return this.stmts.listGroups!.all(from, prefix, prefix, limit) as GroupRow[];
  }

  deleteGroup(name: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM logs_events WHERE grp = ?').run(name);
      this.db.prepare('DELETE FROM logs_streams WHERE grp = ?').run(name);
      this.db.prepare('DELETE FROM logs_groups WHERE name = ?').run(name);
    })();
  }

  setTags(name: string, tags: Record<string, string>): void {
    this.stmts.setTags!.run(JSON.stringify(tags), name);
  }

  setRetention(name: string, days: number | null): void {
    this.stmts.setRetention!.run(days, name);
  }

  stream(group: string, name: string): StreamRow | undefined {
    return this.stmts.getStream!.get(group, name) as StreamRow | undefined;
  }

  createStream(group: string, name: string, created: number): void {
    this.stmts.insertStream!.run(group, name, created);
  }

  streams(group: string): StreamRow[] {
    return this.stmts.listStreams!.all(group) as StreamRow[];
  }

  deleteStream(group: string, name: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM logs_events WHERE grp = ? AND stream = ?').run(group, name);
      this.db.prepare('DELETE FROM logs_streams WHERE grp = ? AND name = ?').run(group, name);
    })();
  }

  /** One transaction per batch: the stream's first/last timestamps move with its events. */
  append(group: string, stream: string, events: { timestamp: number; message: string }[], ingest: number): void {
    if (events.length === 0) return;
    this.db.transaction(() => {
      let bytes = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const e of events) {
        this.stmts.insertEvent!.run(group, stream, e.timestamp, ingest, e.message);
        bytes += Buffer.byteLength(e.message) + 26;
        min = Math.min(min, e.timestamp);
        max = Math.max(max, e.timestamp);
      }
      this.stmts.touchStream!.run(min, min, max, max, ingest, bytes, group, stream);
      this.stmts.addGroupBytes!.run(bytes, group);
    })();
  }

  /** Events of one or more streams (all when `streams` is undefined) after/before a cursor within [start, end]. */
  events(q: { group: string; streams?: string[]; start?: number; end?: number; after?: Cursor; before?: Cursor; limit: number; descending?: boolean }): EventRow[] {
    const where = ['grp = ?'];
    const args: (string | number)[] = [q.group];
    if (q.streams) {
      where.push(`stream IN (${q.streams.map(() => '?').join(',')})`);
      args.push(...q.streams);
    }
    const add = (clause: string, ...values: number[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (q.start !== undefined) add('ts >= ?', q.start);
    if (q.end !== undefined) add('ts <= ?', q.end);
    if (q.after) add('(ts > ? OR (ts = ? AND id > ?))', q.after.ts, q.after.ts, q.after.id);
    if (q.before) add('(ts < ? OR (ts = ? AND id < ?))', q.before.ts, q.before.ts, q.before.id);
    const order = q.descending ? 'DESC' : 'ASC';
    const sql = `SELECT id, stream, ts, ingest, message FROM logs_events WHERE ${where.join(' AND ')} ORDER BY ts ${order}, id ${order} LIMIT ?`;
    return this.db.prepare(sql).all(...args, q.limit) as EventRow[];
  }
}
