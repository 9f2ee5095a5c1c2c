/**
 * OTLP trace messages for protobufjs: the subset of opentelemetry-proto's
 * `opentelemetry/proto/{common,resource,trace}/v1/*.proto` and `collector/trace/v1/trace_service.proto`
 * (open-telemetry/opentelemetry-proto, v1.x) that an ExportTraceServiceRequest carries, plus
 * `google.rpc.Status`, the body of an OTLP/HTTP error (OTLP spec, "Failures").
 * Field numbers and types are copied from those files; protobufjs does the wire decoding.
 * @opentelemetry/otlp-transformer 0.2xx no longer ships protobuf definitions (it serialises by hand
 * and cannot decode requests), so the schema is written here once.
 */
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package otlp;
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message Status { string message = 2; int32 code = 3; }
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
  uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
}
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message RpcStatus { int32 code = 1; string message = 2; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
export const ExportTraceServiceRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const ExportTraceServiceResponse = root.lookupType('otlp.ExportTraceServiceResponse');
const RpcStatus = root.lookupType('otlp.RpcStatus');

/** Decodes a protobuf body; throws protobufjs' error on a malformed one. */
export function decodeRequest(body: Uint8Array): unknown {
  return ExportTraceServiceRequest.decode(body);
}

export function encodeResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const partial = rejectedSpans > 0 || errorMessage ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.fromObject(partial)).finish();
}

/** Reads an ExportTraceServiceResponse (what an OTLP/gRPC client does with the receiver's answer). */
export function decodeResponse(body: Uint8Array): { rejectedSpans: number; errorMessage: string } {
  const o = ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(body), { longs: Number, defaults: true }) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };
  return o.partialSuccess ?? { rejectedSpans: 0, errorMessage: '' };
}

/** gRPC status codes used in OTLP/HTTP error bodies (google.rpc.Code). */
export const RPC_INVALID_ARGUMENT = 3;
export const RPC_UNAUTHENTICATED = 16;
export const RPC_PERMISSION_DENIED = 7;
export const RPC_INTERNAL = 13;

export function encodeStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}
