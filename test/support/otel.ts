/**
 * Test support for OpenTelemetry apps: a real OTel JS tracer (sdk-trace-base, X-Ray id generator)
 * that records the issue's SERVER → INTERNAL → CLIENT (DynamoDB) tree, and ways to export it —
 * the OTLP exporters as an app configures them, or the exporters' own serializers SigV4-signed
 * for X-Ray's endpoint (the OTel JS exporters cannot sign).
 */
import { createHash, createHmac } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_CREDENTIALS } from './local-cloud.js';

export interface RecordedTree {
  traceId: string;
  spans: ReadableSpan[];
}

function bytes(d: Uint8Array | string | ArrayBuffer | ArrayBufferView): Uint8Array | string {
  if (typeof d === 'string' || d instanceof Uint8Array) return d;
  if (d instanceof ArrayBuffer) return new Uint8Array(d);
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** SHA-256 for the SDK's signer, from node:crypto (the signer takes a hash constructor). */
class Sha256 {
  private readonly h;
  constructor(secret?: Uint8Array | string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Uint8Array | string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

/** A tracer for `serviceName` whose finished spans go to `exporter` one by one. */
export function otelTracer(serviceName: string, exporter: SpanExporter) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.2.3', 'cloud.provider': 'aws', 'telemetry.sdk.language': 'nodejs' }),
    idGenerator: new AWSXRayIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { tracer: provider.getTracer('xray-lab-test'), provider };
}

/** The tree: GET /users/{id} (SERVER) → lookup (INTERNAL, annotated) → DynamoDB GetItem (CLIENT). */
export function recordUserRequest(tracer: ReturnType<BasicTracerProvider['getTracer']>, opts: { userId: string; table: string; status?: number; parent?: Span }): string {
  const parentCtx = opts.parent ? trace.setSpan(context.active(), opts.parent) : context.active();
  const server = tracer.startSpan('GET /users/:id', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'GET', 'url.path': `/users/${opts.userId}`, 'url.scheme': 'http', 'server.address': 'localhost', 'http.response.status_code': opts.status ?? 200 },
  }, parentCtx);
  const lookup = tracer.startSpan('lookup-user', {
    kind: SpanKind.INTERNAL,
    attributes: { lab_user: opts.userId, cache_hit: false, 'aws.xray.annotations': ['lab_user'] },
  }, trace.setSpan(context.active(), server));
  const db = tracer.startSpan('DynamoDB.GetItem', {
    kind: SpanKind.CLIENT,
    attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'aws.dynamodb.table_names': [opts.table], 'aws.request_id': 'REQ1' },
  }, trace.setSpan(context.active(), lookup));
  if ((opts.status ?? 200) >= 500) server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
  db.end();
  lookup.end();
  server.end();
  return server.spanContext().traceId;
}

/** Records the tree in memory (for the serializers). */
export function recordedTree(serviceName: string, userId: string, table: string): RecordedTree {
  const mem = new InMemorySpanExporter();
  const { tracer } = otelTracer(serviceName, mem);
  const traceId = recordUserRequest(tracer, { userId, table });
  return { traceId, spans: mem.getFinishedSpans() };
}

export function toXrayTraceId(w3c: string): string {
  return `1-${w3c.slice(0, 8)}-${w3c.slice(8)}`;
}

/** POSTs spans to X-Ray's OTLP endpoint on `endpoint`, SigV4-signed for service xray, as protobuf or JSON. */
export async function postSignedOtlp(endpoint: string, spans: ReadableSpan[], encoding: 'protobuf' | 'json', region = 'us-east-1'): Promise<Response> {
  const body = encoding === 'protobuf' ? ProtobufTraceSerializer.serializeRequest(spans)! : JsonTraceSerializer.serializeRequest(spans)!;
  return postSignedBody(endpoint, Buffer.from(body), encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json', region);
}

export async function postSignedBody(endpoint: string, body: Buffer, contentType: string, region = 'us-east-1', extraHeaders: Record<string, string> = {}, service = 'xray'): Promise<Response> {
  const url = new URL('/v1/traces', endpoint);
  const signer = new SignatureV4({ service, region, credentials: TEST_CREDENTIALS, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
    headers: { host: url.host, 'content-type': contentType, ...extraHeaders }, body,
  });
  return fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
}
