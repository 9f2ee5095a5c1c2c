import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XRayClient } from '@aws-sdk/client-xray';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, listenerPort, withLocalCloud } from '../support/local-cloud.js';
import { otelTracer, postSignedOtlp, recordUserRequest, recordedTree, toXrayTraceId } from '../support/otel.js';
import { expectFound, expectGraphEdge, expectTree, segmentsOf } from '../support/otel-checks.js';

let cloud: LocalCloud;
let xray: XRayClient;
let otlpUrl: string;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
  otlpUrl = `http://127.0.0.1:${listenerPort(cloud, 'otlp-http')}/v1/traces`;
});
afterAll(() => cloud.close());

describe('OTLP from OpenTelemetry JS (sdk-trace-base, X-Ray ids)', () => {
  it.each(['protobuf', 'json'] as const)('signed %s to X-Ray\'s /v1/traces: a segment with subsegments, annotations that filter, and the graph', async (encoding) => {
    const tree = recordedTree(`signed-${encoding}`, `u-${encoding}`, `Users${encoding}`);

    const res = await postSignedOtlp(cloud.endpoint, tree.spans, encoding);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(encoding === 'json' ? 'application/json' : 'application/x-protobuf');
    const traceId = toXrayTraceId(tree.traceId);
    expectTree(await segmentsOf(xray, traceId), `signed-${encoding}`, `u-${encoding}`, `Users${encoding}`);
    await expectFound(xray, `annotation.lab_user = "u-${encoding}"`, traceId);
  });

  it.each([['protobuf', ProtoExporter, false], ['json', JsonExporter, false], ['gzip', ProtoExporter, true]] as const)('the standard exporter (%s) to the unsigned receiver', async (encoding, Exporter, gzip) => {
    const exporter = new Exporter({ url: otlpUrl, ...(gzip ? { compression: CompressionAlgorithm.GZIP } : {}) });
    const { tracer, provider } = otelTracer(`plain-${encoding}`, exporter);

    const w3c = recordUserRequest(tracer, { userId: `p-${encoding}`, table: 'Orders' });
    await provider.forceFlush();
    await provider.shutdown();

    const traceId = toXrayTraceId(w3c);
    expectTree(await segmentsOf(xray, traceId), `plain-${encoding}`, `p-${encoding}`, 'Orders');
    await expectFound(xray, `annotation.lab_user = "p-${encoding}" AND service("plain-${encoding}")`, traceId);
    await expectGraphEdge(xray, `plain-${encoding}`, 'Orders');
  });
});
