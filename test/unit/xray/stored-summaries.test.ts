/**
 * The summaries ingest persists (xray_summaries) are exactly what building them from the documents
 * gives, for traces that arrived in parts, after reopen, and after a store of the previous format
 * (no summaries table) rebuilds them; and they go with their trace at the sweep.
 */
import { describe, it, expect, afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../src/local/xray/store.js';
import { getTraceSummaries, getTraceSummariesBody } from '../../../src/local/xray/summaries.js';
import { buildTraceSummary, decodeStoredSummary } from '../../../src/local/xray/summary.js';
import { computeRootCauses } from '../../../src/local/xray/rootcause.js';
import { makeLabTrace, makeTraceId, seededRandom } from '../../../src/local/xray/synthetic.js';

const START_MS = 1_700_000_000_000;
const DAY_MS = 86_400_000;

function fakeClock(ms = START_MS + 60_000) {
  return { ms, now() { return this.ms; } };
}

/** Wire form (restJson: dates as epoch seconds), so "the same" means the same bytes on the wire. */
const wire = (v: unknown) => JSON.stringify(v, function (this: Record<string, unknown>, k, x) {
  const raw = this[k];
  return raw instanceof Date ? raw.getTime() / 1000 : x;
});

/** Each trace's summary built from its documents now, as GetTraceSummaries built it before summaries were stored. */
function fromDocuments(store: TraceStore, ids: string[]): string {
  return wire(ids.map((id) => {
    const model = store.loadModel(id)!;
    return buildTraceSummary(model, store.get(id)!, computeRootCauses(model));
  }));
}

const stored = (store: TraceStore, ids: string[]) => wire(store.summaryTexts(ids.map((id) => store.get(id)!)).map((t) => decodeStoredSummary(t)));

/** 30 lab traces of varied outcomes; every third arrives in two calls (handler's subsegments first). */
function fill(store: TraceStore): string[] {
  const random = seededRandom(5);
  const ids: string[] = [];
  for (let i = 0; i < 30; i++) {
    const startMs = START_MS + i * 1000;
    const traceId = makeTraceId(startMs / 1000, random);
    const docs = makeLabTrace({ startMs, traceId, random, status: [200, 502, 429][i % 3], dynamoStatus: i % 4 === 0 ? 400 : undefined, userFound: i % 2 === 0, independent: i % 5 !== 0 });
    const parts = i % 3 === 0 ? [docs.slice(2), docs.slice(0, 2)] : [docs];
    for (const p of parts) expect(store.putTraceSegments(p).UnprocessedTraceSegments).toEqual([]);
    ids.push(traceId);
  }
  return ids;
}

describe('stored trace summaries', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dbPath = () => {
    const d = mkdtempSync(join(tmpdir(), 'xray-summaries-'));
    dirs.push(d);
    return join(d, 'store.sqlite');
  };

  it('equal the summaries built from the documents, parts, reopen and rebuild included', () => {
    const path = dbPath();
    let db = new Database(path);
    const store = new TraceStore(db, { clock: fakeClock() });
    const ids = fill(store);
    const expected = fromDocuments(store, ids);
    expect(JSON.parse(expected).some((s: { Revision: number }) => s.Revision === 5)).toBe(true);
    expect(stored(store, ids)).toBe(expected);
    db.close();

    db = new Database(path);
    expect(stored(new TraceStore(db, { clock: fakeClock() }), ids)).toBe(expected);
    // A store of the previous format has records but no summaries: opening it builds them once.
    db.exec("DROP TABLE xray_summaries; UPDATE xray_meta SET value = '3' WHERE key = 'index_format'");
    db.close();

    db = new Database(path);
    expect(stored(new TraceStore(db, { clock: fakeClock() }), ids)).toBe(expected);
    expect(db.prepare('SELECT COUNT(*) AS n FROM xray_summaries').get()).toEqual({ n: 30 });
    db.close();
  });

  it('follow a trace that receives more documents', () => {
    const store = new TraceStore(new Database(':memory:'), { clock: fakeClock() });
    const traceId = makeTraceId(START_MS / 1000, seededRandom(9));
    const docs = makeLabTrace({ startMs: START_MS, traceId, random: seededRandom(9), status: 502 });
    store.putTraceSegments(docs.slice(0, 1));
    const early = stored(store, [traceId]);
    store.putTraceSegments(docs.slice(1));
    expect(stored(store, [traceId])).not.toBe(early);
    expect(stored(store, [traceId])).toBe(fromDocuments(store, [traceId]));
  });

  it('are deleted with their trace by the retention sweep', () => {
    const db = new Database(':memory:');
    const clock = fakeClock();
    const store = new TraceStore(db, { clock });
    fill(store);
    clock.ms += 31 * DAY_MS;
    expect(store.sweep()).toBe(30);
    expect(db.prepare('SELECT COUNT(*) AS n FROM xray_summaries').get()).toEqual({ n: 0 });
  });

  it('make the response body the same bytes as serialising the built page, every page and range type', () => {
    const store = new TraceStore(new Database(':memory:'), { clock: fakeClock() });
    fill(store);
    // Pages of 100 would hold all 30: a window that starts mid-trace exercises Event's MatchedEventTime.
    const window = { StartTime: new Date(START_MS + 500), EndTime: new Date(START_MS + 60_000) };
    for (const TimeRangeType of ['TraceId', 'Event', 'Service'] as const) {
      for (const FilterExpression of [undefined, 'fault', 'responsetime > 0.01']) {
        const input = { ...window, TimeRangeType, FilterExpression };
        const body = getTraceSummariesBody(store, input);
        expect(body).toBe(wire(getTraceSummaries(store, input)));
        if (TimeRangeType === 'Event' && FilterExpression === undefined) expect(body).toContain('"MatchedEventTime":');
      }
    }
  });
});
