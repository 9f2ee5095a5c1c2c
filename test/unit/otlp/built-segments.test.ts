/**
 * OTLP hands the store the translated documents as objects beside their texts (no parse of what was
 * just serialised). The rule: that path stores exactly what PutTraceSegments stores for the same texts:
 * the same document rows, compact records and summary texts, and the same refusals.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storeSpans, type OtlpSink } from '../../../src/local/otlp/ingest.js';
import type { AttrValue, OtlpSpan, ResourceSpanGroup } from '../../../src/local/otlp/spans.js';
import { TraceStore } from '../../../src/local/xray/store.js';
import { isJsonRoundTrip } from '../../../src/local/core/json-depth.js';

const NOW_S = 1_700_000_100;
const clock = { now: () => NOW_S * 1000 };
const attrs = (o: Record<string, AttrValue>) => new Map(Object.entries(o));

function span(id: string, over: Partial<OtlpSpan> & { attrs?: Record<string, AttrValue> } = {}): OtlpSpan {
  const { attrs: a, ...rest } = over;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: id, name: 'GET /things', kind: 2,
    start: NOW_S - 10, end: NOW_S - 9.5, attributes: attrs(a ?? {}), events: [], statusCode: 0, statusMessage: '', links: [], ...rest,
  };
}

/** SERVER → INTERNAL (annotated) → CLIENT DynamoDB with an exception, plus odd attribute values and a bad span. */
function groups(): ResourceSpanGroup[] {
  const stack = 'Error: no such user\n    at lookup (/app/users.js:12:7)';
  return [{
    resource: attrs({ 'service.name': 'orders', 'service.version': '2.1', 'cloud.provider': 'aws', nested: { list: [1, 'two', { three: true }] } }),
    spans: [
      span('00f067aa0ba902b7', { attrs: { 'http.request.method': 'GET', 'url.path': '/things/1', 'http.response.status_code': 500, 'enduser.id': 'alice' } }),
      span('1111111111111111', { kind: 1, parentSpanId: '00f067aa0ba902b7', name: 'lookup', start: NOW_S - 9.9, end: NOW_S - 9.6, attrs: { 'order.id': 'o-1', 'cart.size': 3, 'aws.xray.annotations': ['order.id', 'cart.size'] } }),
      span('2222222222222222', {
        kind: 3, parentSpanId: '1111111111111111', name: 'DynamoDB.GetItem', start: NOW_S - 9.8, end: NOW_S - 9.7, statusCode: 2, statusMessage: 'boom',
        attrs: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'aws.dynamodb.table_names': ['Users'] },
        events: [{ name: 'exception', time: NOW_S - 9.7, attributes: attrs({ 'exception.type': 'NotFound', 'exception.message': 'no such user', 'exception.stacktrace': stack }) }],
      }),
      // Values JSON changes on the way through (NaN → null, -0 → 0): this span takes the parse path.
      span('3333333333333333', { kind: 1, parentSpanId: '00f067aa0ba902b7', name: 'odd', attrs: { ratio: Number.NaN, zero: -0 } }),
      // An id X-Ray refuses: reported the same way on both paths.
      span('not-hex-at-all!!', { kind: 1, parentSpanId: '00f067aa0ba902b7', name: 'bad' }),
    ],
  }];
}

function tables(db: Database.Database) {
  return {
    docs: db.prepare('SELECT trace_id, docs FROM xray_docs ORDER BY rowid').all(),
    records: db.prepare('SELECT trace_id, rec FROM xray_index ORDER BY trace_id').all(),
    summaries: db.prepare('SELECT trace_id, summary FROM xray_summaries ORDER BY trace_id').all(),
  };
}

describe('documents handed over already built', () => {
  it('store the same trace as their texts through PutTraceSegments', () => {
    // Arrange: the OTLP path records the texts it hands over, so the translation (random exception ids) happens once.
    const builtDb = new Database(':memory:');
    const built = new TraceStore(builtDb, { clock });
    const texts: string[] = [];
    const sink: OtlpSink = {
      clock,
      putBuilt: (docs) => {
        texts.push(...docs.map((d) => d.text));
        return built.putBuiltSegments(docs).UnprocessedTraceSegments.length;
      },
    };
    const parsedDb = new Database(':memory:');
    const parsed = new TraceStore(parsedDb, { clock });

    // Act
    const otlp = storeSpans(sink, groups());
    const put = parsed.putTraceSegments(texts);

    // Assert
    expect(otlp.rejected).toBe(1);
    expect(put.UnprocessedTraceSegments).toHaveLength(1);
    expect(tables(builtDb)).toEqual(tables(parsedDb));
    expect(tables(builtDb).summaries).toHaveLength(1);
    const summary = JSON.parse((tables(builtDb).summaries[0] as { summary: string }).summary) as { HasFault: boolean; Annotations: Record<string, unknown> };
    expect(summary.HasFault).toBe(true);
    expect(Object.keys(summary.Annotations).sort()).toEqual(['cart_size', 'order_id']);
  });

  it('are recognised as JSON round-trips only when JSON would give them back unchanged', () => {
    expect(isJsonRoundTrip({ a: [1, 'x', null, { b: false }] }, 10)).toBe(true);
    // Assigning a `__proto__` key, as a translator copying attribute names would, replaces the prototype instead.
    const protoKey: Record<string, unknown> = {};
    protoKey['__proto__'] = { x: 1 };
    for (const odd of [{ a: Number.NaN }, { a: -0 }, { a: undefined }, new Array<number>(3), { a: new Date(0) }, { a: 1n }, protoKey, { a: [[[1]]] }]) {
      expect(isJsonRoundTrip(odd, 3), String(JSON.stringify(odd, (_k, v: unknown) => (typeof v === 'bigint' ? 'bigint' : v)))).toBe(false);
    }
  });
});
