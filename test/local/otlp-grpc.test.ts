/**
 * The OTLP/gRPC receiver (issue 17 item 3): the OTel JS gRPC exporter as an app configures it, and a
 * raw grpc-js client for the limits and malformed messages, against the local cloud on port 0.
 */
import { connect } from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { LocalCloud } from '../../src/local/server.js';
import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { startOtlpGrpcReceiver, traceServiceDefinition, type ExportResult } from '../../src/local/otlp/grpc-receiver.js';
import type { OtlpSink } from '../../src/local/otlp/ingest.js';
import { clientConfig, listenerPort, withLocalCloud } from '../support/local-cloud.js';
import { otelTracer, recordUserRequest, recordedTree, toXrayTraceId } from '../support/otel.js';
import { expectFound, expectGraphEdge, expectTree, segmentsOf } from '../support/otel-checks.js';
import { exportRaw, spansMessage } from '../support/otlp-grpc.js';
import { startChildApp } from '../support/child-app.js';

let cloud: LocalCloud;
let xray: XRayClient;
let port: number;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
  port = listenerPort(cloud, 'otlp-grpc');
});
afterAll(() => cloud.close());

const DAY_MS = 86_400_000;

describe('OTLP/gRPC from the OpenTelemetry JS gRPC exporter', () => {
  it.each([['identity', undefined], ['gzip', CompressionAlgorithm.GZIP]] as const)('%s: a segment with subsegments, an annotation filter that finds it, and the DynamoDB node in the graph', async (name, compression) => {
    // `localhost`, as the exporter's default URL has it (http://localhost:4317).
    const exporter = new GrpcExporter({ url: `http://localhost:${port}`, ...(compression ? { compression } : {}) });
    const { tracer, provider } = otelTracer(`grpc-${name}`, exporter);

    const w3c = recordUserRequest(tracer, { userId: `g-${name}`, table: 'Carts' });
    await provider.forceFlush();
    await provider.shutdown();

    const traceId = toXrayTraceId(w3c);
    expectTree(await segmentsOf(xray, traceId), `grpc-${name}`, `g-${name}`, 'Carts');
    await expectFound(xray, `annotation.lab_user = "g-${name}" AND service("grpc-${name}")`, traceId);
    await expectGraphEdge(xray, `grpc-${name}`, 'Carts');
  });
});

describe('a plain OpenTelemetry app configured only by OTEL_EXPORTER_OTLP_PROTOCOL=grpc and OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('shows up: its annotation filter finds the request and the graph has its DynamoDB node', async () => {
    const app = await startChildApp(process.execPath, [join(import.meta.dirname, '..', 'fixtures', 'byo', 'otel-app.mjs')], {
      PATH: process.env.PATH, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${port}`, OTEL_SERVICE_NAME: 'otel-grpc-app',
    });
    try {
      // The app answers once its exporter has sent the spans.
      expect(await (await fetch(`${app.url}/users/grpc-app-1`)).text()).toBe('ok');

      const now = Date.now();
      const found = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), FilterExpression: 'annotation.lab_user = "grpc-app-1"' }));
      expect(found.TraceSummaries, app.output()).toHaveLength(1);
      const names = (await segmentsOf(xray, found.TraceSummaries![0]!.Id!)).map((d) => d.name).sort();
      expect(names).toEqual(['DynamoDB', 'otel-grpc-app']);
      await expectGraphEdge(xray, 'otel-grpc-app', 'Users');
    } finally {
      await app.stop();
    }
  });
});

describe('OTLP/gRPC answers', () => {
  it('a full success leaves partial_success unset', async () => {
    const tree = recordedTree('grpc-raw', 'r-1', 'Raw');

    const r = await exportRaw(port, spansMessage(tree.spans));

    expect(r).toEqual({ ok: true, rejectedSpans: 0, errorMessage: '' });
    expect((await segmentsOf(xray, toXrayTraceId(tree.traceId))).map((d) => d.name)).toContain('grpc-raw');
  });

  it('spans outside X-Ray\'s time window are a partial success that counts and explains them', async () => {
    const mem = new InMemorySpanExporter();
    const { tracer } = otelTracer('grpc-partial', mem);
    const old = Date.now() - 20 * DAY_MS;
    const tooOld = tracer.startSpan('too-old', { startTime: old });
    tooOld.end(old + 1000);
    const fresh = tracer.startSpan('fresh');
    fresh.end();

    const r = await exportRaw(port, spansMessage(mem.getFinishedSpans()));

    expect(r).toEqual({ ok: true, rejectedSpans: 1, errorMessage: '1 of 2 spans rejected: span timestamps must lie between 14 days in the past and 2 hours in the future.' });
    // The fresh span (an INTERNAL root, named after itself) is stored; the old one is not.
    expect((await segmentsOf(xray, toXrayTraceId(fresh.spanContext().traceId))).map((d) => d.name)).toEqual(['fresh']);
    expect(await segmentsOf(xray, toXrayTraceId(tooOld.spanContext().traceId))).toEqual([]);
  });

  it('the receiver\'s service definition also works as a client: it reads the partial success back', async () => {
    const mem = new InMemorySpanExporter();
    const { tracer } = otelTracer('grpc-definition', mem);
    const old = Date.now() - 20 * DAY_MS;
    tracer.startSpan('too-old', { startTime: old }).end(old + 1000);
    const Client = makeGenericClientConstructor(traceServiceDefinition, 'TraceService');
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());

    const result = await new Promise<ExportResult>((resolve, reject) => {
      client.makeUnaryRequest(traceServiceDefinition.Export.path, traceServiceDefinition.Export.requestSerialize, traceServiceDefinition.Export.responseDeserialize, spansMessage(mem.getFinishedSpans()), (err, res) => (err ? reject(err) : resolve(res!)));
    });
    client.close();

    expect(result).toEqual({ rejected: 1, message: '1 of 1 spans rejected: span timestamps must lie between 14 days in the past and 2 hours in the future.' });
  });

  it('a message that is not an ExportTraceServiceRequest is INVALID_ARGUMENT', async () => {
    const r = await exportRaw(port, Buffer.from('this is not protobuf at all, just text\xff\xff'));

    expect(r).toEqual({ ok: false, code: 'INVALID_ARGUMENT', details: 'The message is not a protobuf-encoded ExportTraceServiceRequest.' });
  });

  it('a span whose trace id is not 16 bytes is INVALID_ARGUMENT with the reason', async () => {
    const span = Buffer.concat([field(1, Buffer.alloc(15, 7)), field(2, Buffer.alloc(8, 9)), field(5, Buffer.from('short-id'))]);

    const r = await exportRaw(port, field(1, field(2, field(2, span))));

    expect(r).toEqual({ ok: false, code: 'INVALID_ARGUMENT', details: 'A span\'s traceId is not 16 bytes.' });
  });

  it('more than 10,000 spans is INVALID_ARGUMENT, and nothing of it is stored', async () => {
    const { traceId, spans } = recordedTree('grpc-too-many', 'm-1', 'Many');
    const many = Array.from({ length: 10_001 }, (_, i) => spans[i % spans.length]!);

    const r = await exportRaw(port, spansMessage(many));

    expect(r).toEqual({ ok: false, code: 'INVALID_ARGUMENT', details: 'The request has 10001 spans; X-Ray\'s OTLP endpoint takes at most 10000 per request: export smaller batches.' });
    expect(await segmentsOf(xray, toXrayTraceId(traceId))).toEqual([]);
  });

  it.each([['uncompressed', false], ['gzip', true]] as const)('a message over 5 MB (%s) is RESOURCE_EXHAUSTED', async (_name, gzip) => {
    const r = await exportRaw(port, Buffer.alloc(5 * 1024 * 1024 + 1), { gzip });

    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ code: 'RESOURCE_EXHAUSTED', details: expect.stringMatching(/larger than (max )?.*5242880/) });
  });

  it('a message of exactly 5 MB passes the size limit (grpc-js\'s own default is 4 MB) and is then read', async () => {
    const r = await exportRaw(port, Buffer.alloc(5 * 1024 * 1024));

    // All zeros is not a protobuf message, so the size check let it through to the decoder.
    expect(r).toEqual({ ok: false, code: 'INVALID_ARGUMENT', details: 'The message is not a protobuf-encoded ExportTraceServiceRequest.' });
  });

  it('other OTLP services are UNIMPLEMENTED', async () => {
    const r = await exportRaw(port, Buffer.alloc(0), { path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' });

    expect(r).toMatchObject({ ok: false, code: 'UNIMPLEMENTED' });
  });
});

/** One length-delimited protobuf field (ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span nest this way); short values only. */
function field(num: number, value: Buffer): Buffer {
  if (value.length > 127) throw new Error('field() writes one-byte lengths only');
  return Buffer.concat([Buffer.from([(num << 3) | 2, value.length]), value]);
}

describe('the OTLP/gRPC listener', () => {
  it('can be turned off, leaving the OTLP/HTTP receiver on', async () => {
    const other = await withLocalCloud({ otlpGrpcPort: false });
    try {
      expect(other.listeners.map((l) => l.name)).toEqual(['api', 'xray-daemon-udp', 'xray-daemon-tcp', 'otlp-http']);
    } finally {
      await other.close();
    }
  });

  it('a taken port is one sentence naming the flag and the way out', async () => {
    const taken = listenerPort(cloud, 'otlp-grpc');

    const start = withLocalCloud({ otlpGrpcPort: taken });

    await expect(start).rejects.toThrow(`TCP port ${taken} on 127.0.0.1 (the OTLP/gRPC receiver) is already in use, perhaps by an OpenTelemetry Collector: stop it, or choose another port with --otlp-grpc-port or XRAY_LAB_OTLP_GRPC_PORT ("off" turns the receiver off).`);
  });

  it('once the cloud is closed, an export is UNAVAILABLE (retryable), not lost silently', async () => {
    const other = await withLocalCloud();
    const otherPort = listenerPort(other, 'otlp-grpc');
    const tree = recordedTree('grpc-closed', 'c-1', 'Closed');
    expect(await exportRaw(otherPort, spansMessage(tree.spans))).toMatchObject({ ok: true });

    await other.close();

    expect(await exportRaw(otherPort, spansMessage(tree.spans))).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
  });

  it('close() ends even when a client never finishes its call (the drain is bounded)', async () => {
    const stored: string[][] = [];
    const sink: OtlpSink = { putBuilt: (docs) => (stored.push(docs.map((d) => d.text)), 0), clock: { now: () => Date.now() } };
    const receiver = await startOtlpGrpcReceiver(sink, '127.0.0.1', 0, []);
    const session = connect(`http://127.0.0.1:${receiver.port}`);
    session.on('error', () => {});
    const stream = session.request({ ':method': 'POST', ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    const reset = new Promise<void>((resolve) => stream.on('close', () => resolve()));
    // Half a gRPC frame: a 10-byte message announced, nothing more sent, the stream never ended.
    stream.write(Buffer.from([0, 0, 0, 0, 10]));
    await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));

    await receiver.close();

    await reset;
    expect(stored).toEqual([]);
    session.destroy();
  });
});
