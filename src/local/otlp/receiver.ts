/**
 * The standard OTLP/HTTP receiver (default 127.0.0.1:4318, OTLP spec "OTLP/HTTP Default Port"):
 * unsigned `POST /v1/traces`, so an OpenTelemetry app works with its exporter defaults. Loopback
 * only, behind the shared request guard (Host allowlist, browser refusals). Traces only: /v1/metrics and /v1/logs
 * answer 404 with a sentence saying so. OTLP/gRPC is served by grpc-receiver.ts.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpResponse } from '../core/types.js';
import { readBody, send } from '../edge/http-io.js';
import { refuseUnsignedEndpoint, resolveAllowedHosts } from '../edge/request-guard.js';
import { RPC_INTERNAL, RPC_INVALID_ARGUMENT, RPC_PERMISSION_DENIED } from './proto.js';
import { MAX_REQUEST_BYTES, exportTraces, otlpError, type OtlpSink } from './ingest.js';

export { DEFAULT_OTLP_PORT } from './ports.js';

export interface OtlpReceiver {
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function handleOtlpHttp(sink: OtlpSink, req: IncomingMessage, allowedHosts: readonly string[] = []): Promise<HttpResponse> {
  const refusal = refuseUnsignedEndpoint(req.headers, { allowedHosts });
  if (refusal) {
    req.resume();
    return otlpError(refusal.status, 'json', RPC_PERMISSION_DENIED, refusal.message);
  }
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'POST' || path !== '/v1/traces') {
    req.resume();
    return otlpError(404, 'json', RPC_INVALID_ARGUMENT, `This OTLP receiver takes traces only: POST /v1/traces (got ${req.method} ${path}).`);
  }
  // A gzip body may be smaller than its content; the uncompressed size is checked after unpacking.
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === 'too-large') return otlpError(413, 'json', RPC_INVALID_ARGUMENT, `The request is larger than ${MAX_REQUEST_BYTES / 1048576} MB: export smaller batches.`);
  return exportTraces(sink, req.headers, body);
}

export function startOtlpReceiver(sink: OtlpSink, host: string, port: number, allowed?: readonly string[]): Promise<OtlpReceiver> {
  const allowedHosts = allowed ?? resolveAllowedHosts();
  const server: Server = createServer((req, res) => {
    handleOtlpHttp(sink, req, allowedHosts).then((r) => send(res, r), (err: unknown) => {
      send(res, otlpError(500, 'json', RPC_INTERNAL, `Internal error in the local cloud: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      resolve({
        address: addr.address,
        port: addr.port,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}
