/**
 * One stored document must never break queries over the others. Ingest now refuses documents nested
 * deeper than MAX_DOCUMENT_DEPTH, but a data dir written before that may still hold one: this test
 * plants such a row in SQLite directly (as an older version stored it) and queries the window.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { batchGetTraces, getTraceSummaries } from '../../../src/local/xray/operations.js';
import { MAX_DOCUMENT_DEPTH, validateSegmentDocument } from '../../../src/local/xray/segments.js';
import { TraceStore } from '../../../src/local/xray/store.js';

const NOW_S = 1_700_000_000;
const clock = { now: () => NOW_S * 1000 };
const traceId = (n: number) => `1-${NOW_S.toString(16)}-${n.toString(16).padStart(24, '0')}`;
const doc = (id: string, trace: string, metadata = '{}') =>
  `{"name":"svc","id":"${id}","trace_id":"${trace}","start_time":${NOW_S - 10},"end_time":${NOW_S - 9},"metadata":${metadata}}`;
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('deeply nested segment documents', () => {
  it('are refused at ingest just past the limit, and accepted at it', () => {
    // The document's own object is the first level; the metadata value brings the rest.
    expect(validateSegmentDocument(doc('0123456789abcdef', traceId(1), nested(MAX_DOCUMENT_DEPTH - 1))).ok).toBe(true);
    const refused = validateSegmentDocument(doc('0123456789abcdef', traceId(1), nested(MAX_DOCUMENT_DEPTH)));
    expect(refused).toMatchObject({ ok: false, error: { ErrorCode: 'DocumentTooDeep' } });
  });

  it('already stored by an older version, break neither BatchGetTraces nor GetTraceSummaries for other traces', () => {
    // Arrange: a deep row written straight into the table, then a store opened over it, then a good trace.
    const db = new Database(':memory:');
    db.exec('CREATE TABLE xray_docs (trace_id TEXT NOT NULL, docs TEXT NOT NULL)');
    db.prepare('INSERT INTO xray_docs (trace_id, docs) VALUES (?, ?)').run(traceId(1), doc('0123456789abcdef', traceId(1), nested(20_000)));
    const store = new TraceStore(db, { clock });
    expect(store.putTraceSegments([doc('fedcba9876543210', traceId(2))]).UnprocessedTraceSegments).toEqual([]);

    // Act
    expect(() => JSON.stringify(JSON.parse(doc('0123456789abcdef', traceId(1), nested(20_000))))).toThrow(RangeError);
    const got = batchGetTraces(store, { TraceIds: [traceId(1), traceId(2)] });
    const summaries = getTraceSummaries(store, { StartTime: new Date((NOW_S - 60) * 1000), EndTime: new Date((NOW_S + 60) * 1000) });

    // Assert: the good trace is served, the unserialisable one is reported unprocessed.
    expect(got.Traces?.map((t) => t.Id)).toEqual([traceId(2)]);
    expect(got.UnprocessedTraceIds).toEqual([traceId(1)]);
    expect(summaries.TraceSummaries?.map((t) => t.Id)).toContain(traceId(2));
  });
});
