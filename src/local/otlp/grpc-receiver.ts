/**
 * The standard OTLP/gRPC receiver (default 127.0.0.1:4317, OTLP spec "OTLP/gRPC Default Port"):
 * unary `opentelemetry.proto.collector.trace.v1.TraceService/Export` over h2c, unsigned, so an app
 * whose exporter defaults to gRPC (Python's, the collector's, many Java and Go setups) works unchanged.
 * grpc-js carries the wire (framing, gzip/deflate, status trailers); the messages are read and written
 * with the protobufjs schema of proto.ts, and the spans go through the same ingest as OTLP/HTTP.
 * Statuses (OTLP spec "OTLP/gRPC" → "Failures"): INVALID_ARGUMENT for a message that cannot be decoded
 * or is over the 10,000-span limit (not retryable, like OTLP/HTTP's 400); RESOURCE_EXHAUSTED for a
 * message over 5 MB, compressed or not (grpc-js enforces the max receive size); PERMISSION_DENIED for
 * the request guard's refusals; UNAVAILABLE (retryable) once the receiver is closing. Spans refused
 * one by one (timestamps, 200 KB) are a partial success, as over HTTP.
 * Traces only: other OTLP services answer grpc-js's UNIMPLEMENTED.
 */
import { Server, ServerCredentials, status, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition } from '@grpc/grpc-js';
import { refuseUnsignedEndpoint, resolveAllowedHosts, type GuardHeaders } from '../edge/request-guard.js';
import { MAX_REQUEST_BYTES, storeSpans, tooManySpans, type OtlpSink } from './ingest.js';
import { decodeRequest, decodeResponse, encodeResponse } from './proto.js';
import { OtlpFormatError, countSpans, resourceSpanGroups, type ResourceSpanGroup } from './spans.js';

export { DEFAULT_OTLP_GRPC_PORT } from './ports.js';
export const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** How long close() lets calls in flight finish before cutting the connections. */
const DRAIN_MS = 1000;

/** A decoded request, or why it could not be decoded: deserialize must not throw (grpc-js would answer INTERNAL). */
export type ExportRequest = { groups: ResourceSpanGroup[] } | { error: string };
export interface ExportResult { rejected: number; message: string }

function readRequest(bytes: Buffer): ExportRequest {
  let message: unknown;
  try {
    message = decodeRequest(bytes);
  } catch {
    return { error: 'The message is not a protobuf-encoded ExportTraceServiceRequest.' };
  }
  try {
    return { groups: resourceSpanGroups(message) };
  } catch (err) {
    if (err instanceof OtlpFormatError) return { error: err.message };
    throw err;
  }
}

/** TraceService/Export for grpc-js, with the protobufjs schema of proto.ts as its serializer. */
export const traceServiceDefinition = {
  Export: {
    path: EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: (r: Uint8Array) => Buffer.from(r),
    requestDeserialize: readRequest,
    responseSerialize: (r: ExportResult) => Buffer.from(encodeResponse(r.rejected, r.message)),
    responseDeserialize: (b: Buffer): ExportResult => {
      const r = decodeResponse(b);
      return { rejected: r.rejectedSpans, message: r.errorMessage };
    },
  },
} satisfies ServiceDefinition;

export interface OtlpGrpcReceiver {
  address: string;
  port: number;
  close(): Promise<void>;
}

/** The headers the request guard reads; `:authority` stands for Host, as HTTP/2 has it. */
function guardHeaders(call: ServerUnaryCall<unknown, unknown>): GuardHeaders {
  const one = (name: string) => {
    const v = call.metadata.get(name)[0];
    return typeof v === 'string' ? v : undefined;
  };
  return { host: call.getHost(), origin: one('origin'), 'sec-fetch-site': one('sec-fetch-site'), 'sec-fetch-mode': one('sec-fetch-mode') };
}

export function startOtlpGrpcReceiver(sink: OtlpSink, host: string, port: number, allowed?: readonly string[]): Promise<OtlpGrpcReceiver> {
  const allowedHosts = allowed ?? resolveAllowedHosts();
  let closing = false;
  // The 5 MB is X-Ray's OTLP request limit; grpc-js applies it after decompression too.
  const server = new Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });
  server.addService(traceServiceDefinition, {
    Export(call: ServerUnaryCall<ExportRequest, ExportResult>, callback: sendUnaryData<ExportResult>) {
      const refusal = refuseUnsignedEndpoint(guardHeaders(call), { allowedHosts });
      if (refusal) return callback({ code: status.PERMISSION_DENIED, details: refusal.message });
      if (closing) return callback({ code: status.UNAVAILABLE, details: 'The local cloud is shutting down: export again once it is running.' });
      const request = call.request;
      if ('error' in request) return callback({ code: status.INVALID_ARGUMENT, details: request.error });
      const overLimit = tooManySpans(countSpans(request.groups));
      if (overLimit) return callback({ code: status.INVALID_ARGUMENT, details: overLimit });
      try {
        callback(null, storeSpans(sink, request.groups));
      } catch (err) {
        callback({ code: status.INTERNAL, details: `Internal error in the local cloud: ${err instanceof Error ? err.message : String(err)}` });
      }
    },
  });
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(target, ServerCredentials.createInsecure(), (err, boundPort) => {
      if (err) {
        server.forceShutdown();
        // grpc-js folds the socket error into its message; keep the code the caller tests for.
        return reject(/EADDRINUSE/.test(err.message) ? Object.assign(new Error(err.message), { code: 'EADDRINUSE' }) : err);
      }
      resolve({
        address: host,
        port: boundPort,
        close: () => new Promise<void>((done) => {
          closing = true;
          const cut = setTimeout(() => server.forceShutdown(), DRAIN_MS);
          server.tryShutdown(() => {
            clearTimeout(cut);
            done();
          });
        }),
      });
    });
  });
}
