/** The awsxray translator's rules (SPEC "OTLP spans → segment documents"), one span at a time. */
import { describe, expect, it } from 'vitest';
import type { AttrValue, OtlpSpan } from '../../../src/local/otlp/spans.js';
import { spanToSegment, toXrayTraceId } from '../../../src/local/otlp/translate.js';

const attrs = (o: Record<string, AttrValue>) => new Map(Object.entries(o));

function span(over: Partial<OtlpSpan> & { attrs?: Record<string, AttrValue> } = {}): OtlpSpan {
  const { attrs: a, ...rest } = over;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'GET /things', kind: 2,
    start: 1_700_000_000.5, end: 1_700_000_000.75, attributes: attrs(a ?? {}), events: [], statusCode: 0, statusMessage: '', links: [], ...rest,
  };
}

const resource = attrs({ 'service.name': 'orders', 'cloud.provider': 'aws', 'telemetry.sdk.language': 'javascript' });

describe('span → segment', () => {
  it('converts a W3C trace id by splitting off its first 8 digits', () => {
    expect(toXrayTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('1-4bf92f35-77b34da6a3ce929d0e0e4736');
  });

  it('makes SERVER and root spans segments, everything else independent subsegments', () => {
    expect(spanToSegment(span({ parentSpanId: 'aaaaaaaaaaaaaaaa' }), resource)).toMatchObject({ name: 'orders', parent_id: 'aaaaaaaaaaaaaaaa' });
    expect(spanToSegment(span({ kind: 1 }), resource).type).toBeUndefined();
    expect(spanToSegment(span({ kind: 1, parentSpanId: 'aaaaaaaaaaaaaaaa' }), resource)).toMatchObject({ type: 'subsegment', parent_id: 'aaaaaaaaaaaaaaaa', name: 'GET /things' });
  });

  it.each([
    [{ 'peer.service': 'billing', 'aws.service': 'S3' }, 3, 'billing', 'remote'],
    [{ 'aws.service': 'S3' }, 3, 'S3', 'aws'],
    [{ 'db.name': 'shop', 'db.connection_string': 'postgres://db.internal:5432/shop' }, 3, 'shop@db.internal', 'remote'],
    [{ 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB' }, 3, 'DynamoDB', 'aws'],
    [{ 'http.host': 'api.example.com' }, 1, 'api.example.com', undefined],
    [{}, 1, 'GET /things', undefined],
  ] as const)('names %j (kind %i) %s in the translator\'s priority order', (a, kind, name, namespace) => {
    const doc = spanToSegment(span({ kind, parentSpanId: 'aaaaaaaaaaaaaaaa', attrs: a }), resource);

    expect(doc.name).toBe(name);
    expect(doc.namespace).toBe(namespace);
  });

  it('drops characters X-Ray does not allow in names', () => {
    expect(spanToSegment(span({ kind: 1, name: 'a<b>c!' }), attrs({})).name).toBe('abc');
  });

  it.each([[404, { error: true }], [429, { error: true, throttle: true }], [503, { fault: true }]] as const)('flags HTTP %i', (status, flags) => {
    const doc = spanToSegment(span({ attrs: { 'http.response.status_code': status } }), resource);

    expect({ error: doc.error, fault: doc.fault, throttle: doc.throttle }).toEqual({ error: undefined, fault: undefined, throttle: undefined, ...flags });
  });

  it('makes an ERROR status without HTTP status a fault with its message as the cause', () => {
    const doc = spanToSegment(span({ statusCode: 2, statusMessage: 'boom' }), resource);

    expect(doc.fault).toBe(true);
    expect((doc.cause as { exceptions: unknown[] }).exceptions).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{16}$/), message: 'boom' }]);
  });

  it('turns exception events into cause exceptions with JavaScript stack frames, remote for CLIENT spans', () => {
    const stack = 'Error: no such user\n    at lookup (/app/users.js:12:7)\n    at /app/index.js:3:1';
    const doc = spanToSegment(span({ kind: 3, parentSpanId: 'aaaaaaaaaaaaaaaa', statusCode: 2, events: [{ name: 'exception', time: 1, attributes: attrs({ 'exception.type': 'NotFound', 'exception.message': 'no such user', 'exception.stacktrace': stack }) }] }), resource);

    expect((doc.cause as { exceptions: unknown[] }).exceptions).toEqual([{
      id: expect.any(String), type: 'NotFound', message: 'no such user', remote: true,
      stack: [{ path: '/app/users.js', line: 12, label: 'lookup' }, { path: '/app/index.js', line: 3, label: '' }],
    }]);
  });

  it('builds the http block from old and stable semantic conventions', () => {
    const server = spanToSegment(span({ attrs: { 'http.method': 'POST', 'http.scheme': 'https', 'http.server_name': 'shop.test', 'net.host.port': 443, 'http.target': '/cart?x=1', 'http.status_code': 201, 'http.client_ip': '10.0.0.9' } }), resource);
    const client = spanToSegment(span({ kind: 3, parentSpanId: 'aaaaaaaaaaaaaaaa', attrs: { 'http.request.method': 'GET', 'url.full': 'http://inventory:8080/items', 'http.response.status_code': 200 } }), resource);

    expect(server.http).toEqual({ request: { method: 'POST', url: 'https://shop.test/cart?x=1', client_ip: '10.0.0.9', x_forwarded_for: true }, response: { status: 201 } });
    expect(client.http).toEqual({ request: { method: 'GET', url: 'http://inventory:8080/items' }, response: { status: 200 } });
  });

  it('puts listed attributes in annotations (keys made X-Ray-safe), the rest and the resource in metadata, enduser.id in user', () => {
    const doc = spanToSegment(span({ attrs: { 'order.id': 'o-1', 'cart.size': 3, note: 'x', 'enduser.id': 'alice', 'aws.xray.annotations': ['order.id', 'cart.size'] } }), resource);

    expect(doc.annotations).toEqual({ order_id: 'o-1', cart_size: 3 });
    expect(doc.user).toBe('alice');
    expect(doc.metadata).toEqual({ default: { note: 'x', 'otel.resource.service.name': 'orders', 'otel.resource.cloud.provider': 'aws', 'otel.resource.telemetry.sdk.language': 'javascript' } });
  });

  it('fills the aws block from AWS attributes, and leaves it out for another cloud', () => {
    const a = { 'rpc.system': 'aws-api', 'rpc.method': 'GetItem', 'aws.dynamodb.table_names': ['Users'], 'aws.request_id': 'R1', 'aws.region': 'eu-west-1' };
    const aws = spanToSegment(span({ kind: 3, parentSpanId: 'aaaaaaaaaaaaaaaa', attrs: a }), attrs({ 'cloud.account.id': '123456789012' }));
    const gcp = spanToSegment(span({ kind: 3, parentSpanId: 'aaaaaaaaaaaaaaaa', attrs: a }), attrs({ 'cloud.provider': 'gcp' }));

    expect(aws.aws).toEqual({ operation: 'GetItem', table_name: 'Users', request_id: 'R1', region: 'eu-west-1', account_id: '123456789012' });
    expect(gcp.aws).toBeUndefined();
  });
});
