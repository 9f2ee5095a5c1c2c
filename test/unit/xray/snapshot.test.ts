/**
 * The index persisted as snapshot blocks plus a journal (issue 16): a store reopened from any mix of
 * the two — a clean stop (everything in the snapshot), a crash after a snapshot (traces added, traces
 * completed by later parts, traces swept since) — answers exactly what it answered before; and the
 * id hash that replaced the Map finds every live trace and none of the removed ones.
 */
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../src/local/xray/store.js';
import { batchGetTraces, getTraceSummariesBody } from '../../../src/local/xray/summaries.js';
import { getServiceGraph, getTraceGraph } from '../../../src/local/xray/graph.js';
import { TraceSlots } from '../../../src/local/xray/trace-slots.js';
import { makeLabTrace, makeTraceId, seededRandom } from '../../../src/local/xray/synthetic.js';

const START_MS = 1_700_000_000_000;
const DAY_MS = 86_400_000;

/** Everything a client can ask of the store, as the bytes it would get. */
function answers(store: TraceStore, ids: string[]): string {
  // Read before any query: a query may run the sweep, which would hide a trace the reopen brought back.
  const size = store.size;
  const window = { StartTime: new Date(START_MS - 60_000), EndTime: new Date(START_MS + 40 * DAY_MS) };
  const pages: string[] = [];
  for (const FilterExpression of [undefined, 'service("user-service")', 'http.status = 404', 'responsetime > 0.05']) {
    let NextToken: string | undefined;
    do {
      const body = getTraceSummariesBody(store, { ...window, FilterExpression, NextToken });
      pages.push(body);
      NextToken = (JSON.parse(body) as { NextToken?: string }).NextToken;
    } while (NextToken);
  }
  return JSON.stringify({
    size,
    pages,
    graph: getServiceGraph(store, window),
    traceGraph: getTraceGraph(store, { TraceIds: ids.slice(0, 40) }),
    batch: ids.map((id) => batchGetTraces(store, { TraceIds: [id] })),
  });
}

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('X-Ray index snapshot and journal', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('reopens from blocks plus the journal to the same answers, after a crash and after a clean stop', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-snapshot-'));
    dirs.push(dir);
    const path = join(dir, 'x.db');
    const clock = { ms: START_MS + 60_000, now() { return this.ms; } };
    const db = new Database(path);
    const store = new TraceStore(db, { clock, sweepEveryMs: 1000 * DAY_MS });
    const random = seededRandom(11);
    const ids: string[] = [];
    const later: string[][] = [];
    // 300 traces over 3 days (6 per day-hour step), every fourth sends its handler's subsegments later.
    for (let i = 0; i < 300; i++) {
      const startMs = START_MS + i * 864_000;
      const traceId = makeTraceId(startMs / 1000, random);
      const docs = makeLabTrace({ startMs, traceId, random, status: [200, 404, 502][i % 3], userFound: i % 2 === 0 });
      if (i % 4 === 0) later.push(docs.slice(3));
      store.putTraceSegments(i % 4 === 0 ? docs.slice(0, 3) : docs);
      ids.push(traceId);
    }
    // Small blocks, so several are written and read back.
    store.snapshot(64);
    expect(count(db, 'xray_snapshot')).toBe(1 + Math.ceil(300 / 64));
    expect(count(db, 'xray_index') + count(db, 'xray_dropped')).toBe(0);

    // Since the snapshot: the late parts arrive, new traces arrive, the oldest expire and are swept.
    for (const docs of later) store.putTraceSegments(docs);
    for (let i = 300; i < 360; i++) {
      const startMs = START_MS + i * 864_000;
      const traceId = makeTraceId(startMs / 1000, random);
      store.putTraceSegments(makeLabTrace({ startMs, traceId, random, status: 200 }));
      ids.push(traceId);
    }
    clock.ms = START_MS + 30 * DAY_MS + 20 * 864_000;
    expect(store.sweep()).toBeGreaterThan(0);
    expect(count(db, 'xray_dropped')).toBeGreaterThan(0);
    const expected = answers(store, ids);
    expect(store.size).toBeLessThan(360);

    // A crash: the files as they are now (every call committed), opened by another store.
    const copy = join(dir, 'crash.db');
    copyFileSync(path, copy);
    let db2 = new Database(copy);
    const crashed = new TraceStore(db2, { clock, sweepEveryMs: 1000 * DAY_MS });
    expect(answers(crashed, ids)).toBe(expected);
    crashed.snapshot(50);
    expect(count(db2, 'xray_index') + count(db2, 'xray_dropped')).toBe(0);
    db2.close();

    // A clean stop: the snapshot alone.
    db2 = new Database(copy);
    const clean = new TraceStore(db2, { clock, sweepEveryMs: 1000 * DAY_MS });
    expect(answers(clean, ids)).toBe(expected);
    // Traces added after the reopen: the answers still match the store that never reopened.
    for (let i = 360; i < 400; i++) {
      const docs = makeLabTrace({ startMs: START_MS + i * 864_000, random: seededRandom(i) });
      store.putTraceSegments(docs);
      clean.putTraceSegments(docs);
    }
    expect(answers(clean, ids)).toBe(answers(store, ids));
    db.close();
    db2.close();
  });
});

describe('TraceSlots id hash', () => {
  it('finds every live trace and none that was removed, through growth and deletions', () => {
    const slots = new TraceSlots();
    const random = seededRandom(4);
    const live = new Map<string, number>();
    const removed = new Set<string>();
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 500; k++) {
        const id = makeTraceId(1_700_000_000 + Math.floor(random() * 100), random);
        const slot = slots.alloc(id);
        expect(slots.put(slot)).toBe(-1);
        live.set(id, slot);
        removed.delete(id);
      }
      for (const [id, slot] of live) {
        if (random() < 0.3) {
          slots.remove(slot);
          live.delete(id);
          removed.add(id);
        }
      }
      slots.recycle();
    }
    expect(slots.size).toBe(live.size);
    for (const [id, slot] of live) {
      expect(slots.find(id)).toBe(slot);
      expect(slots.idOf(slot)).toBe(id);
    }
    for (const id of removed) expect(slots.find(id)).toBe(-1);
    expect(slots.find('not-a-trace-id')).toBe(-1);
    // A second slot for a live id replaces the first.
    const [id, slot] = live.entries().next().value!;
    const again = slots.alloc(id);
    expect(slots.put(again)).toBe(slot);
    expect(slots.find(id)).toBe(again);
  });
  it('a snapshot that fails during ingest loses nothing and fails no call: the journal keeps the traces, a later snapshot catches up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-snapshot-fail-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'x.db');
    const clock = { now: () => START_MS + 60_000 };
    const db = new Database(path);
    const store = new TraceStore(db, { clock, snapshotMinJournal: 20 });
    const emptySnapshot = count(db, 'xray_snapshot');
    // SQLite itself refuses the snapshot's rows, as a full disk or an I/O error would.
    db.exec("CREATE TRIGGER refuse_snapshot BEFORE INSERT ON xray_snapshot BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    const random = seededRandom(5);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const startMs = START_MS + i * 1000;
      const traceId = makeTraceId(startMs / 1000, random);
      expect(store.putTraceSegments(makeLabTrace({ startMs, traceId, random, status: 200 })).UnprocessedTraceSegments).toEqual([]);
      ids.push(traceId);
    }
    expect(count(db, 'xray_snapshot')).toBe(emptySnapshot);
    expect(count(db, 'xray_index')).toBe(60);
    const expected = answers(store, ids);
    // The disk has room again: the next due snapshot is written and empties the journal.
    db.exec('DROP TRIGGER refuse_snapshot');
    for (let i = 60; i < 90; i++) {
      const startMs = START_MS + i * 1000;
      store.putTraceSegments(makeLabTrace({ startMs, traceId: makeTraceId(startMs / 1000, random), random, status: 200 }));
    }
    expect(count(db, 'xray_snapshot')).toBeGreaterThan(emptySnapshot);
    expect(count(db, 'xray_index')).toBeLessThan(20);
    db.close();
    // What was answered while snapshots failed is still answered after a reopen.
    const reopened = new TraceStore(new Database(path), { clock });
    expect(reopened.size).toBe(90);
    expect(JSON.parse(answers(reopened, ids)).batch).toEqual(JSON.parse(expected).batch);
  });
});
