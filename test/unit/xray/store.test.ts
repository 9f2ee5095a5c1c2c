import { describe, it, expect, afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../src/local/xray/store.js';
import { putTraceSegments } from '../../../src/local/xray/operations.js';
import { nodeIdentityAt, T_PARTIAL, type TraceIndex } from '../../../src/local/xray/trace-index.js';
import { makeLabTrace, seededRandom } from '../../../src/local/xray/synthetic.js';

const T = '1-6553f100-0123456789abcdef01234567';
const START_MS = 1_700_000_000_000;

const partial = (t: TraceIndex) => (t.flags & T_PARTIAL) !== 0;
const identitiesOf = (store: TraceStore, id: string) => {
  const t = store.get(id)!;
  return Array.from({ length: t.nodeCount }, (_, n) => nodeIdentityAt(store.ctx, t, n));
};
const nodeNames = (store: TraceStore, id: string) => identitiesOf(store, id).map((n) => n.name);
const nodeTypes = (store: TraceStore, id: string) => identitiesOf(store, id).map((n) => n.type);

function fakeClock(ms = START_MS + 5_000) {
  return { ms, now() { return this.ms; } };
}

describe('TraceStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('keeps the good documents of a batch and reports the bad ones', () => {
    const store = new TraceStore(new Database(':memory:'), { clock: fakeClock() });
    const docs = makeLabTrace({ startMs: START_MS, traceId: T, random: seededRandom(1) });

    const out = store.putTraceSegments([...docs, '{"id":"zz"}', 'nope']);

    expect(out.UnprocessedTraceSegments.map((u) => u.ErrorCode)).toEqual(['InvalidSegmentId', 'InvalidJson']);
    const trace = store.loadTrace(T)!;
    expect(trace.segments.map((s) => s.name)).toEqual(['user-api/prod', 'user-service', 'user-service', 'DynamoDB']);
    expect(store.get(T)!.revision).toBe(5);
  });

  it('merges subsegments that arrive in a later call than their parent', () => {
    const store = new TraceStore(new Database(':memory:'), { clock: fakeClock() });
    const docs = makeLabTrace({ startMs: START_MS, traceId: T, random: seededRandom(1) });

    store.putTraceSegments(docs.slice(2));
    expect(partial(store.get(T)!)).toBe(false);
    expect(nodeNames(store, T)).toEqual(['user-api/prod', 'user-service', 'user-service']);
    store.putTraceSegments(docs.slice(0, 2));

    const idx = store.get(T)!;
    expect(nodeTypes(store, T)).toEqual(['AWS::ApiGateway::Stage', 'AWS::Lambda', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table']);
    expect(idx.annotations.join('|')).toContain('user_found|true');
    expect(idx.revision).toBe(5);
  });

  it('replaces an in-progress document by its completed version, never the reverse', () => {
    const store = new TraceStore(new Database(':memory:'), { clock: fakeClock() });
    const base = { id: 'a'.repeat(16), trace_id: T, name: 'svc', start_time: START_MS / 1000 };
    const open = JSON.stringify({ ...base, in_progress: true });
    const done = JSON.stringify({ ...base, end_time: START_MS / 1000 + 2 });

    store.putTraceSegments([open]);
    expect(partial(store.get(T)!)).toBe(true);
    store.putTraceSegments([done]);
    store.putTraceSegments([open]);

    expect(partial(store.get(T)!)).toBe(false);
    expect(store.loadTrace(T)!.segments[0].end_time).toBe(START_MS / 1000 + 2);
  });

  it('rebuilds its index from the database when reopened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-store-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const first = new Database(file);
    new TraceStore(first, { clock: fakeClock() }).putTraceSegments(makeLabTrace({ startMs: START_MS, traceId: T, random: seededRandom(1) }));
    first.close();

    const reopened = new TraceStore(new Database(file), { clock: fakeClock() });

    expect(reopened.size).toBe(1);
    expect(nodeTypes(reopened, T)).toHaveLength(4);
    expect(reopened.get(T)!.revision).toBe(5);
  });

  it('keeps the completed version over a later in-progress one after reopening', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-store-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const base = { id: 'a'.repeat(16), trace_id: T, name: 'svc', start_time: START_MS / 1000 };
    const first = new Database(file);
    const store = new TraceStore(first, { clock: fakeClock() });
    store.putTraceSegments([JSON.stringify({ ...base, in_progress: true })]);
    store.putTraceSegments([JSON.stringify({ ...base, end_time: START_MS / 1000 + 2 }), JSON.stringify({ ...base, in_progress: true })]);
    first.close();

    const reopened = new TraceStore(new Database(file), { clock: fakeClock() });

    expect(partial(reopened.get(T)!)).toBe(false);
    expect(reopened.get(T)!.revision).toBe(3);
    expect(reopened.loadTrace(T)!.segments.map((s) => s.end_time)).toEqual([START_MS / 1000 + 2]);
  });

  it('moves documents of a data dir written with one keyed row per document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-store-'));
    dirs.push(dir);
    const file = join(dir, 'x.db');
    const docs = makeLabTrace({ startMs: START_MS, traceId: T, random: seededRandom(1) });
    const old = new Database(file);
    old.exec(`CREATE TABLE xray_segments (trace_id TEXT NOT NULL, id TEXT NOT NULL, in_progress INTEGER NOT NULL, doc TEXT NOT NULL,
      PRIMARY KEY (trace_id, id)) WITHOUT ROWID;
      CREATE TABLE xray_traces (trace_id TEXT PRIMARY KEY, revision INTEGER NOT NULL, updated INTEGER NOT NULL) WITHOUT ROWID;`);
    const insert = old.prepare('INSERT INTO xray_segments VALUES (?, ?, 0, ?)');
    for (const d of docs) insert.run(T, JSON.parse(d).id, d);
    old.close();

    const store = new TraceStore(new Database(file), { clock: fakeClock() });

    expect(store.size).toBe(1);
    expect(nodeTypes(store, T)).toHaveLength(4);
    expect(store.loadTrace(T)!.segments.map((s) => s.name)).toEqual(['user-api/prod', 'user-service', 'user-service', 'DynamoDB']);
  });

  it('drops traces older than the retention period', () => {
    const clock = fakeClock();
    const store = new TraceStore(new Database(':memory:'), { clock });
    store.putTraceSegments(makeLabTrace({ startMs: START_MS, traceId: T, random: seededRandom(1) }));

    clock.ms = START_MS + 29 * 86_400_000;
    expect(store.sweep()).toBe(0);
    clock.ms = START_MS + 31 * 86_400_000;
    const dropped = store.sweep();

    expect(dropped).toBe(1);
    expect(store.get(T)).toBeUndefined();
    expect(store.loadTrace(T)).toBeUndefined();
  });
});

describe('EntityColumns', () => {
  it('keeps every live trace readable after compacting away dropped ones', () => {
    const clock = fakeClock();
    const store = new TraceStore(new Database(':memory:'), { clock });
    const rnd = seededRandom(3);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const docs = makeLabTrace({ startMs: START_MS + i * 86_400_000, random: rnd, userFound: i % 2 === 0 });
      ids.push(JSON.parse(docs[0]).trace_id);
      store.putTraceSegments(docs);
    }
    const before = ids.slice(20).map((id) => store.ctx.cols.status(store.get(id)!.entOff + store.get(id)!.rootEnt));
    clock.ms = START_MS + 50 * 86_400_000;
    store.sweep();
    store.ctx.cols.maybeCompact(store.traces(), 1);

    expect(store.size).toBe(20);
    expect(store.ctx.cols.dead).toBe(0);
    expect(store.ctx.cols.length).toBe([...store.traces()].reduce((n, t) => n + t.entCount, 0));
    expect(store.ctx.cols.layoutDead).toBe(0);
    expect(ids.slice(20).map((id) => nodeTypes(store, id).length)).toEqual(Array(20).fill(4));
    const after = ids.slice(20).map((id) => store.ctx.cols.status(store.get(id)!.entOff + store.get(id)!.rootEnt));
    expect(after).toEqual(before);
    expect(after).toEqual(ids.slice(20).map((_, i) => (i % 2 === 0 ? 200 : 404)));
  });
});

describe('putTraceSegments operation', () => {
  it('rejects a request without a list of document strings', () => {
    const store = new TraceStore(new Database(':memory:'), { clock: fakeClock() });
    expect(() => putTraceSegments(store, {} as never)).toThrow(/TraceSegmentDocuments is required/);
    expect(() => putTraceSegments(store, { TraceSegmentDocuments: [{}] as never })).toThrow(/list of strings/);
    expect(putTraceSegments(store, { TraceSegmentDocuments: ['x'] }).UnprocessedTraceSegments).toHaveLength(1);
  });
});
