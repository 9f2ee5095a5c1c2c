/**
 * A raw OTLP/gRPC client for the receiver's edge cases: it sends whatever bytes a test gives
 * (malformed, oversized) with the metadata and `:authority` a test chooses, over grpc-js, and reads
 * the answer with the OTel JS serializer (not the receiver's own schema).
 */
import { Metadata, compressionAlgorithms, credentials, makeGenericClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const identity = (b: Buffer) => b;
const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const RawTraceService = makeGenericClientConstructor({
  Export: {
    path: EXPORT_PATH, requestStream: false, responseStream: false,
    requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity,
  },
}, 'TraceService');

export type ExportOutcome =
  | { ok: true; rejectedSpans: number; errorMessage: string }
  | { ok: false; code: string; details: string };

export interface RawExportOptions {
  /** The `:authority` the client sends (HTTP/2's Host); default `127.0.0.1:<port>`. */
  authority?: string;
  metadata?: Record<string, string>;
  gzip?: boolean;
  /** Another method than TraceService/Export. */
  path?: string;
}

export function spansMessage(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

export function exportRaw(port: number, message: Uint8Array, opts: RawExportOptions = {}): Promise<ExportOutcome> {
  const client = new RawTraceService(`127.0.0.1:${port}`, credentials.createInsecure(), {
    ...(opts.authority ? { 'grpc.default_authority': opts.authority } : {}),
    ...(opts.gzip ? { 'grpc.default_compression_algorithm': compressionAlgorithms.gzip } : {}),
  });
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(opts.metadata ?? {})) metadata.set(k, v);
  return new Promise<ExportOutcome>((resolve) => {
    client.makeUnaryRequest(opts.path ?? EXPORT_PATH, identity, identity, Buffer.from(message), metadata, { deadline: Date.now() + 30_000 }, (err: ServiceError | null, res?: Buffer) => {
      if (err) return resolve({ ok: false, code: status[err.code], details: err.details });
      const r = ProtobufTraceSerializer.deserializeResponse(res!);
      resolve({ ok: true, rejectedSpans: Number(r.partialSuccess?.rejectedSpans ?? 0), errorMessage: r.partialSuccess?.errorMessage ?? '' });
    });
  }).finally(() => client.close());
}
