/**
 * One OTLP/HTTP trace export, from body to answer: X-Ray's OTLP endpoint (`/v1/traces` on the API
 * port, signed) and the standard receiver (:4318, unsigned) both call this.
 * Wire rules: OTLP spec "OTLP/HTTP" (binary protobuf or JSON, gzip or identity; success is an
 * ExportTraceServiceResponse, partial_success counting rejected spans; failure is a google.rpc.Status
 * with 400, and 415 for an unknown content type). Limits: X-Ray's OTLP endpoint (5 MB uncompressed,
 * 10,000 spans, 200 KB a span, timestamps from 14 days past to 2 hours future; CloudWatch OTLP
 * endpoints page). Sources and differences: src/local/xray/SPEC.md "OTLP endpoint".
 */
import { gunzipSync } from 'node:zlib';
import type { Clock, HttpResponse } from '../core/types.js';
import { RPC_INVALID_ARGUMENT, RPC_UNAUTHENTICATED, decodeRequest, encodeResponse, encodeStatus } from './proto.js';
import { OtlpFormatError, countSpans, resourceSpanGroups, type ResourceSpanGroup } from './spans.js';
import { spanToSegment } from './translate.js';
import { isJsonRoundTrip } from '../core/json-depth.js';
import { MAX_DOCUMENT_DEPTH, utf8LongerThan } from '../xray/segments.js';

export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
export const MAX_SPANS = 10_000;
export const MAX_SPAN_BYTES = 200 * 1024;
const PAST_LIMIT_S = 14 * 86_400;
const FUTURE_LIMIT_S = 2 * 3_600;

export interface OtlpSink {
  /**
   * Stores translated documents, each with its text, through PutTraceSegments' checks without parsing
   * what was just serialised (TraceStore.putBuiltSegments); returns how many were refused.
   */
  putBuilt(docs: { doc: unknown; text: string }[]): number;
  clock: Clock;
}

type Encoding = 'protobuf' | 'json';

function encodingOf(contentType: string | undefined): Encoding | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function answer(status: number, encoding: Encoding, body: Uint8Array | object): HttpResponse {
  const bytes = body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
  return { status, headers: { 'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf' }, body: bytes };
}

export function otlpError(status: number, encoding: Encoding, code: number, message: string): HttpResponse {
  return answer(status, encoding, encoding === 'json' ? { code, message } : encodeStatus(code, message));
}

function success(encoding: Encoding, rejected: number, message: string): HttpResponse {
  if (encoding === 'protobuf') return answer(200, encoding, encodeResponse(rejected, message));
  return answer(200, encoding, rejected > 0 || message ? { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } } : {});
}

function unpack(body: Buffer, contentEncoding: string | undefined): Buffer {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip') throw new OtlpFormatError(`Content-Encoding ${enc} is not supported: send gzip or identity.`);
  try {
    // maxOutputLength stops a small gzip bomb before it fills memory.
    return gunzipSync(body, { maxOutputLength: MAX_REQUEST_BYTES + 1 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return Buffer.alloc(MAX_REQUEST_BYTES + 1);
    throw new OtlpFormatError('The body is not valid gzip although Content-Encoding says gzip.');
  }
}

function decode(body: Buffer, encoding: Encoding): ResourceSpanGroup[] {
  let message: unknown;
  try {
    message = encoding === 'protobuf' ? decodeRequest(body) : JSON.parse(body.toString('utf8'));
  } catch {
    throw new OtlpFormatError(encoding === 'protobuf'
      ? 'The body is not a protobuf-encoded ExportTraceServiceRequest.'
      : 'The body is not valid JSON (OTLP/JSON ExportTraceServiceRequest expected).');
  }
  return resourceSpanGroups(message);
}

/** Handles one export request; `headers` are the request's (lower-case names). */
export function exportTraces(sink: OtlpSink, headers: Record<string, string | string[] | undefined>, body: Buffer): HttpResponse {
  const header = (n: string) => {
    const v = headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const encoding = encodingOf(header('content-type'));
  if (!encoding) {
    return otlpError(415, 'json', RPC_INVALID_ARGUMENT, `Content-Type ${header('content-type') ?? '(none)'} is not OTLP: send application/x-protobuf or application/json.`);
  }
  let groups: ResourceSpanGroup[];
  try {
    const raw = unpack(body, header('content-encoding'));
    if (raw.length > MAX_REQUEST_BYTES) {
      return otlpError(413, encoding, RPC_INVALID_ARGUMENT, `The request is larger than ${MAX_REQUEST_BYTES / 1048576} MB uncompressed, X-Ray's OTLP limit: export smaller batches.`);
    }
    groups = decode(raw, encoding);
  } catch (err) {
    if (err instanceof OtlpFormatError) return otlpError(400, encoding, RPC_INVALID_ARGUMENT, err.message);
    throw err;
  }
  const overLimit = tooManySpans(countSpans(groups));
  if (overLimit) return otlpError(400, encoding, RPC_INVALID_ARGUMENT, overLimit);
  const { rejected, message } = storeSpans(sink, groups);
  return success(encoding, rejected, message);
}

/** The refusal of a request over X-Ray's 10,000-span limit (OTLP/HTTP and OTLP/gRPC alike), or undefined within it. */
export function tooManySpans(total: number): string | undefined {
  return total > MAX_SPANS ? `The request has ${total} spans; X-Ray's OTLP endpoint takes at most ${MAX_SPANS} per request: export smaller batches.` : undefined;
}

/** Translates and stores every span within the limits; counts (and says why) the ones refused. */
export function storeSpans(sink: OtlpSink, groups: ResourceSpanGroup[]): { rejected: number; message: string } {
  const total = countSpans(groups);
  const now = sink.clock.now() / 1000;
  const docs: { doc: unknown; text: string }[] = [];
  const reasons = new Set<string>();
  let rejected = 0;
  for (const g of groups) {
    for (const span of g.spans) {
      if (span.start < now - PAST_LIMIT_S || span.end > now + FUTURE_LIMIT_S) {
        rejected++;
        reasons.add('span timestamps must lie between 14 days in the past and 2 hours in the future');
        continue;
      }
      const doc = spanToSegment(span, g.resource);
      const text = JSON.stringify(doc);
      if (utf8LongerThan(text, MAX_SPAN_BYTES)) {
        rejected++;
        reasons.add(`a span may be at most ${MAX_SPAN_BYTES / 1024} KB`);
        continue;
      }
      // Attribute values come from the sender: one that JSON would change (NaN, -0, …) makes the store parse the text instead.
      docs.push({ doc: isJsonRoundTrip(doc, MAX_DOCUMENT_DEPTH) ? doc : JSON.parse(text), text });
    }
  }
  const refused = docs.length ? sink.putBuilt(docs) : 0;
  if (refused) reasons.add('some spans did not make valid segment documents (the store takes documents of at most 64 KB)');
  rejected += refused;
  return { rejected, message: rejected ? `${rejected} of ${total} spans rejected: ${[...reasons].join('; ')}.` : '' };
}

/** One ADOT UDP datagram's payload (a protobuf ExportTraceServiceRequest); false when it cannot be decoded. */
export function storeProtobufPayload(sink: OtlpSink, payload: Uint8Array): boolean {
  let groups: ResourceSpanGroup[];
  try {
    groups = resourceSpanGroups(decodeRequest(payload));
  } catch {
    return false;
  }
  storeSpans(sink, groups);
  return true;
}

/** X-Ray's own OTLP endpoint on the API port: like the receiver, but SigV4-signed for service `xray`. */
export function xrayOtlpEndpoint(sink: OtlpSink, signedService: string | undefined, headers: Record<string, string | string[] | undefined>, body: Buffer): HttpResponse {
  if (signedService !== 'xray') {
    const encoding = encodingOf(String(headers['content-type'] ?? '')) ?? 'json';
    const got = signedService ? `it is signed for ${signedService}` : 'it is not signed';
    return otlpError(403, encoding, RPC_UNAUTHENTICATED, `X-Ray's OTLP endpoint /v1/traces takes SigV4-signed requests for service xray, and ${got}: sign it (e.g. the collector's sigv4auth extension), or send unsigned OTLP to the local OTLP receiver (port 4318 by default).`);
  }
  return exportTraces(sink, headers, body);
}
