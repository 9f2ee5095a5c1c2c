import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { otelTracer, postSignedOtlp, recordUserRequest, recordedTree, toXrayTraceId } from '../support/otel.js';

let cloud: LocalCloud;
let xray: XRayClient;
let otlpUrl: string;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
  const receiver = cloud.listeners.find((l) => l.name === 'otlp-http')!;
  otlpUrl = `http://127.0.0.1:${receiver.port}/v1/traces`;
});
afterAll(() => cloud.close());

type Doc = { name: string; id: string; parent_id?: string; inferred?: boolean; namespace?: string; annotations?: Record<string, unknown>; subsegments?: Doc[]; aws?: Record<string, unknown>; http?: Record<string, unknown>; metadata?: Record<string, Record<string, unknown>> };

async function segmentsOf(traceId: string): Promise<Doc[]> {
  const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [traceId] }));
  return (Traces?.[0]?.Segments ?? []).map((s) => JSON.parse(s.Document!) as Doc);
}

/** The app's segment with its subsegments nested: SERVER ← INTERNAL ← CLIENT (DynamoDB). */
function expectTree(docs: Doc[], service: string, userId: string, table: string): void {
  const app = docs.find((d) => d.name === service)!;
  expect(app, `segments: ${docs.map((d) => d.name).join(', ')}`).toBeDefined();
  expect(app.http).toMatchObject({ request: { method: 'GET', url: `http://localhost/users/${userId}` }, response: { status: 200 } });
  expect(app.metadata?.default).toMatchObject({ 'otel.resource.service.name': service, 'otel.resource.service.version': '1.2.3' });
  const lookup = app.subsegments?.find((s) => s.name === 'lookup-user');
  expect(lookup?.annotations).toEqual({ lab_user: userId });
  expect(lookup?.metadata?.default).toEqual({ cache_hit: false });
  const dynamo = lookup?.subsegments?.find((s) => s.name === 'DynamoDB');
  expect(dynamo).toMatchObject({ namespace: 'aws', aws: { operation: 'GetItem', table_name: table, request_id: 'REQ1' } });
  // X-Ray infers the table's segment from the DynamoDB subsegment (its node is the table, see the graph test).
  const inferred = docs.find((d) => d.parent_id === dynamo!.id);
  expect(inferred).toMatchObject({ name: 'DynamoDB', inferred: true, aws: { table_name: table } });
}

async function expectFound(filter: string, traceId: string): Promise<void> {
  const now = Date.now();
  const { TraceSummaries } = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), FilterExpression: filter }));
  expect(TraceSummaries?.map((t) => t.Id)).toContain(traceId);
}

describe('OTLP from OpenTelemetry JS (sdk-trace-base, X-Ray ids)', () => {
  it.each(['protobuf', 'json'] as const)('signed %s to X-Ray\'s /v1/traces: a segment with subsegments, annotations that filter, and the graph', async (encoding) => {
    const tree = recordedTree(`signed-${encoding}`, `u-${encoding}`, `Users${encoding}`);

    const res = await postSignedOtlp(cloud.endpoint, tree.spans, encoding);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(encoding === 'json' ? 'application/json' : 'application/x-protobuf');
    const traceId = toXrayTraceId(tree.traceId);
    expectTree(await segmentsOf(traceId), `signed-${encoding}`, `u-${encoding}`, `Users${encoding}`);
    await expectFound(`annotation.lab_user = "u-${encoding}"`, traceId);
  });

  it.each([['protobuf', ProtoExporter, false], ['json', JsonExporter, false], ['gzip', ProtoExporter, true]] as const)('the standard exporter (%s) to the unsigned receiver', async (encoding, Exporter, gzip) => {
    const exporter = new Exporter({ url: otlpUrl, ...(gzip ? { compression: CompressionAlgorithm.GZIP } : {}) });
    const { tracer, provider } = otelTracer(`plain-${encoding}`, exporter);

    const w3c = recordUserRequest(tracer, { userId: `p-${encoding}`, table: 'Orders' });
    await provider.forceFlush();
    await provider.shutdown();

    const traceId = toXrayTraceId(w3c);
    expectTree(await segmentsOf(traceId), `plain-${encoding}`, `p-${encoding}`, 'Orders');
    await expectFound(`annotation.lab_user = "p-${encoding}" AND service("plain-${encoding}")`, traceId);
    const now = Date.now();
    const graph = await xray.send(new GetServiceGraphCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000) }));
    const app = graph.Services?.find((s) => s.Name === `plain-${encoding}` && s.Type !== 'client');
    const table = graph.Services?.find((s) => s.Name === 'Orders');
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(app?.Edges?.map((e) => e.ReferenceId)).toContain(table?.ReferenceId);
  });
});
