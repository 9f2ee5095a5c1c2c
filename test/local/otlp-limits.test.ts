import { createSocket } from 'node:dgram';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { LocalCloud } from '../../src/local/server.js';
import { seededRandom } from '../../src/local/xray/synthetic.js';
import { clientConfig, listenerPort, withLocalCloud } from '../support/local-cloud.js';
import { postSignedBody, recordedTree, toXrayTraceId } from '../support/otel.js';

let cloud: LocalCloud;
let xray: XRayClient;
let receiver: string;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
  receiver = `http://127.0.0.1:${listenerPort(cloud, 'otlp-http')}/v1/traces`;
});
afterAll(() => cloud.close());

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const hex = (n: number, i: number) => i.toString(16).padStart(n, '0').replace(/^0/, '1');

/** An OTLP/JSON request with `count` one-span traces; `extra` sets attributes or timestamps of every span. */
function jsonRequest(count: number, extra: { attributes?: unknown[]; startNs?: bigint } = {}): string {
  const start = extra.startNs ?? nowNs();
  const traceEpoch = Math.floor(Date.now() / 1000).toString(16);
  const spans = Array.from({ length: count }, (_, i) => ({
    traceId: `${traceEpoch}${hex(24, i + 1)}`, spanId: hex(16, i + 1), name: 'op', kind: 2,
    startTimeUnixNano: String(start), endTimeUnixNano: String(start + 1_000_000n), attributes: extra.attributes ?? [],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'limits' } }] }, scopeSpans: [{ spans }] }] });
}

async function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(receiver, { method: 'POST', headers, body });
  const text = Buffer.from(await res.arrayBuffer());
  return { status: res.status, text: text.toString('utf8'), json: () => JSON.parse(text.toString('utf8')) as { code?: number; message?: string; partialSuccess?: { rejectedSpans: string; errorMessage: string } } };
}

describe('OTLP limits and malformed requests (X-Ray OTLP endpoint rules)', () => {
  it('takes a request within the limits with an empty success', async () => {
    const r = await post(jsonRequest(3));

    expect(r.status).toBe(200);
    expect(r.json()).toEqual({});
  });

  it('refuses more than 10,000 spans in one request', async () => {
    const r = await post(jsonRequest(10_001));

    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ code: 3, message: expect.stringMatching(/10001 spans.*at most 10000 per request/) });
  });

  it('refuses a body over 5 MB uncompressed, even when it arrives gzipped', async () => {
    const big = jsonRequest(1, { attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(6 * 1024 * 1024) } }] });

    const r = await post(gzipSync(big), { 'content-type': 'application/json', 'content-encoding': 'gzip' });

    expect(r.status).toBe(413);
    expect(r.json().message).toMatch(/larger than 5 MB uncompressed/);
  });

  it('rejects a span over 200 KB and spans outside 14 days past … 2 hours future, as a partial success', async () => {
    const large = await post(jsonRequest(2, { attributes: [{ key: 'pad', value: { stringValue: 'x'.repeat(210 * 1024) } }] }));
    const old = await post(jsonRequest(1, { startNs: nowNs() - 15n * 86_400_000_000_000n }));

    expect(large.status).toBe(200);
    expect(large.json().partialSuccess).toEqual({ rejectedSpans: '2', errorMessage: '2 of 2 spans rejected: a span may be at most 200 KB.' });
    expect(old.json().partialSuccess?.errorMessage).toMatch(/between 14 days in the past and 2 hours in the future/);
  });

  it.each([
    ['not JSON', '{"resourceSpans": [', {}, 400, /not valid JSON/],
    ['a bad trace id', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'abc', spanId: '0102030405060708', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }] }), {}, 400, /traceId is not 16 bytes/],
    ['broken gzip', 'not gzip at all', { 'content-encoding': 'gzip' }, 400, /not valid gzip/],
    ['an unknown content type', 'x', { 'content-type': 'text/plain' }, 415, /not OTLP: send application\/x-protobuf or application\/json/],
  ])('answers %s with an OTLP error status and a sentence', async (_what, body, headers, status, message) => {
    const r = await post(body, { 'content-type': 'application/json', ...headers });

    expect(r.status).toBe(status);
    expect(r.json().message).toMatch(message);
  });

  it('answers a malformed protobuf body with a protobuf google.rpc.Status', async () => {
    const r = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' });

    expect(r.status).toBe(400);
    expect(r.text).toContain('not a protobuf-encoded ExportTraceServiceRequest');
  });

  it('X-Ray\'s /v1/traces refuses unsigned requests and ones signed for another service', async () => {
    const unsigned = await fetch(`${cloud.endpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonRequest(1) });
    const otherService = await postSignedBody(cloud.endpoint, Buffer.from(jsonRequest(1)), 'application/json', 'us-east-1', {}, 'logs');
    const signed = await postSignedBody(cloud.endpoint, Buffer.from(jsonRequest(1)), 'application/json');

    expect(unsigned.status).toBe(403);
    // The API port's request guard refuses it before routing, as AWS refuses an unsigned call.
    expect(((await unsigned.json()) as { message: string }).message).toMatch(/Missing Authentication Token: .*signed with AWS Signature Version 4/);
    expect(otherService.status).toBe(403);
    expect(((await otherService.json()) as { message: string }).message).toMatch(/it is signed for logs/);
    expect(signed.status).toBe(200);
  });
});

describe('OTLP fuzz: random and mutated bodies', () => {
  it('answers every one with 200 or an OTLP 4xx error, never a 500, and keeps serving', async () => {
    // Seeded, so a failure can be replayed.
    const rnd = seededRandom(17);
    const valid = Buffer.from(ProtobufTraceSerializer.serializeRequest(recordedTree('fuzz', 'u-f', 'F').spans)!);
    const json = Buffer.from(jsonRequest(2));
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const base = i % 3 === 0 ? Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256))) : Buffer.from(i % 3 === 1 ? valid : json);
      for (let k = 0; k < 1 + Math.floor(rnd() * 8) && i % 3 !== 0; k++) base[Math.floor(rnd() * base.length)] = Math.floor(rnd() * 256);
      const type = i % 3 === 2 ? 'application/json' : 'application/x-protobuf';

      const r = await post(base, { 'content-type': type });

      statuses.add(r.status);
      expect(r.status, `body ${i}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
    }
    expect((await post(jsonRequest(1))).status).toBe(200);
    expect([...statuses].every((s) => s === 200 || s === 400)).toBe(true);
  });
});

describe('OTLP over UDP on the daemon port (ADOT JS otlp-udp-exporter format)', () => {
  /** What ADOT's UdpExporter sends: the daemon header line, T1S/T1U, then base64 of the protobuf request. */
  function adotDatagram(prefix: 'T1S' | 'T1U', payload: Uint8Array): Buffer {
    return Buffer.from(`{"format":"json","version":1}\n${prefix}${Buffer.from(payload).toString('base64')}`, 'utf8');
  }

  it('stores sampled (T1S) spans as segments, counts unsampled (T1U) ones, and drops a broken payload', async () => {
    const sampled = recordedTree('adot-udp', 'u-udp', 'Udp');
    const unsampled = recordedTree('adot-udp-unsampled', 'u-no', 'Udp');
    const [host, port] = [cloud.daemonAddress.split(':')[0]!, Number(cloud.daemonAddress.split(':')[1])];
    const before = cloud.daemonStats();
    const socket = createSocket('udp4');

    for (const msg of [
      adotDatagram('T1S', ProtobufTraceSerializer.serializeRequest(sampled.spans)!),
      adotDatagram('T1U', ProtobufTraceSerializer.serializeRequest(unsampled.spans)!),
      adotDatagram('T1S', Buffer.from([0x0a, 0xff, 0xff])),
    ]) await new Promise<void>((resolve, reject) => socket.send(msg, port, host, (err) => (err ? reject(err) : resolve())));
    socket.close();
    let stats = cloud.daemonStats();
    for (let i = 0; i < 40 && stats.received - before.received < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
      stats = cloud.daemonStats();
    }

    expect(stats.otlpSampled - before.otlpSampled).toBe(1);
    expect(stats.otlpUnsampled - before.otlpUnsampled).toBe(1);
    expect(stats.dropped - before.dropped).toBe(1);
    const docs = async (w3c: string) => (await xray.send(new BatchGetTracesCommand({ TraceIds: [toXrayTraceId(w3c)] }))).Traces?.[0]?.Segments ?? [];
    expect((await docs(sampled.traceId)).map((s) => (JSON.parse(s.Document!) as { name: string }).name).sort()).toEqual(['DynamoDB', 'adot-udp']);
    expect(await docs(unsampled.traceId)).toEqual([]);
  });
});
