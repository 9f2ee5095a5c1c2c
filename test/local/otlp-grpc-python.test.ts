/**
 * The OpenTelemetry Python SDK's default exporter (OTLP/gRPC, opentelemetry-exporter-otlp-proto-grpc)
 * against the local cloud's gRPC receiver, configured only by the standard environment variables.
 * Runs where the machine's python3 has the exporter; skipped with a message otherwise.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, listenerPort, withLocalCloud } from '../support/local-cloud.js';
import { toXrayTraceId } from '../support/otel.js';
import { expectFound, expectGraphEdge, expectTree, segmentsOf } from '../support/otel-checks.js';

const APP = join(import.meta.dirname, '..', 'fixtures', 'byo', 'otel_grpc_app.py');

function pythonHasGrpcExporter(): boolean {
  return spawnSync('python3', ['-c', 'import opentelemetry.exporter.otlp.proto.grpc.trace_exporter, opentelemetry.sdk.trace'], { stdio: 'ignore' }).status === 0;
}

const available = pythonHasGrpcExporter();
if (!available) console.log('skipping the OpenTelemetry Python OTLP/gRPC test: python3 cannot import opentelemetry-exporter-otlp-proto-grpc');

describe.skipIf(!available)('OTLP/gRPC from the OpenTelemetry Python SDK', () => {
  let cloud: LocalCloud;
  let xray: XRayClient;
  beforeAll(async () => {
    cloud = await withLocalCloud();
    xray = new XRayClient(clientConfig(cloud));
  });
  afterAll(async () => {
    xray?.destroy();
    await cloud?.close();
  });

  it('the default exporter, pointed at the receiver by OTEL_EXPORTER_OTLP_ENDPOINT, delivers the tree', async () => {
    const port = listenerPort(cloud, 'otlp-grpc');

    const run = spawnSync('python3', [APP, 'py-grpc', 'py-1', 'PyUsers'], {
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${port}`, OTEL_EXPORTER_OTLP_INSECURE: 'true' },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(run.status, run.stderr).toBe(0);
    const traceId = toXrayTraceId(run.stdout.trim());
    expectTree(await segmentsOf(xray, traceId), 'py-grpc', 'py-1', 'PyUsers');
    await expectFound(xray, 'annotation.lab_user = "py-1" AND service("py-grpc")', traceId);
    await expectGraphEdge(xray, 'py-grpc', 'PyUsers');
  });
});
