/**
 * Retention on the injected clock: a trace is readable until exactly 30 days after its last activity
 * and gone one millisecond later, from every query, whether or not the sweep has run; the sweep then
 * deletes its rows (documents and record), so a reopened store does not bring it back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceStore } from '../../../src/local/xray/store.js';
import { batchGetTraces, getTraceSummaries } from '../../../src/local/xray/summaries.js';
import { getServiceGraph } from '../../../src/local/xray/graph.js';
import { makeLabTrace, makeTraceId, seededRandom } from '../../../src/local/xray/synthetic.js';

const DAY_MS = 86_400_000;
const START_MS = 1_700_000_000_000;

describe('X-Ray retention', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('drops a trace exactly 30 days after its end, then sweeps its rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xray-retention-'));
    dirs.push(dir);
    const clock = { ms: START_MS + 1_000, now() { return this.ms; } };
    const db = new Database(join(dir, 'x.db'));
    // A sweep interval longer than the test: visibility must not depend on the sweep having run.
    const store = new TraceStore(db, { clock, sweepEveryMs: 100 * DAY_MS });
    const rnd = seededRandom(3);
    const oldId = makeTraceId(START_MS / 1000, rnd);
    const newId = makeTraceId((START_MS + DAY_MS) / 1000, rnd);
    store.putTraceSegments(makeLabTrace({ startMs: START_MS, traceId: oldId, random: rnd }));
    store.putTraceSegments(makeLabTrace({ startMs: START_MS + DAY_MS, traceId: newId, random: rnd }));
    const endMs = store.get(oldId)!.end * 1000;
    const window = { StartTime: new Date(START_MS - 60_000), EndTime: new Date(START_MS + 2 * DAY_MS) };
    const visible = () => getTraceSummaries(store, window).TraceSummaries!.map((s) => s.Id);

    clock.ms = endMs + 30 * DAY_MS;
    expect(visible()).toEqual([newId, oldId]);
    expect(batchGetTraces(store, { TraceIds: [oldId] }).Traces).toHaveLength(1);

    clock.ms += 1;
    expect(visible()).toEqual([newId]);
    expect(batchGetTraces(store, { TraceIds: [oldId] }).UnprocessedTraceIds).toEqual([oldId]);
    const stage = getServiceGraph(store, window).Services!.find((s) => s.Type === 'AWS::ApiGateway::Stage');
    expect(stage?.SummaryStatistics?.TotalCount).toBe(1);
    expect(store.size).toBe(2);

    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM xray_docs WHERE trace_id = ?').get(oldId)).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM xray_index WHERE trace_id = ?').get(oldId)).toEqual({ n: 0 });
    db.close();

    // Reopened before the newer trace expires: only it comes back.
    const reopened = new TraceStore(new Database(join(dir, 'x.db')), { clock });
    expect([...reopened.traces()].map((t) => t.id)).toEqual([newId]);
  });
});
