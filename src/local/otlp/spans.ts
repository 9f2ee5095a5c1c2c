/**
 * One shape for the spans of an OTLP export request, whether it arrived as protobuf (decoded by
 * protobufjs: ids as bytes, 64-bit numbers as Long) or as OTLP/JSON (ids as hex strings, 64-bit
 * numbers as decimal strings, enums as integers; OTLP spec "JSON Protobuf Encoding").
 * The translator (translate.ts) reads only this shape.
 */

export type AttrValue = string | number | boolean | AttrValue[] | { [key: string]: AttrValue } | null;
export type Attributes = Map<string, AttrValue>;

export interface SpanEvent {
  name: string;
  /** Seconds since the epoch. */
  time: number;
  attributes: Attributes;
}

export interface OtlpSpan {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Seconds since the epoch. */
  start: number;
  end: number;
  attributes: Attributes;
  events: SpanEvent[];
  /** StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  links: { traceId: string; spanId: string; attributes: Attributes }[];
}

export interface ResourceSpanGroup {
  resource: Attributes;
  spans: OtlpSpan[];
}

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/** A malformed request: the message goes back to the client verbatim. */
export class OtlpFormatError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Accepts proto3 JSON's snake_case member names too, as the OTLP spec requires receivers to. */
function member(o: Obj, camel: string, snake: string): unknown {
  return o[camel] ?? o[snake];
}

const HEX = /^[0-9a-f]+$/;

function allZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function hexId(v: unknown, bytes: number, what: string, optional: boolean): string | undefined {
  // protobufjs leaves an absent bytes field as its (empty array) default.
  if (v === undefined || v === null || v === '' || ((v instanceof Uint8Array || Array.isArray(v)) && v.length === 0)) {
    if (optional) return undefined;
    throw new OtlpFormatError(`A span has no ${what}: every span needs a ${bytes}-byte ${what}.`);
  }
  let hex: string;
  if (v instanceof Uint8Array) {
    // Binary ids need no character check, only their length; zero ids are invalid in OTLP.
    if (v.length !== bytes) throw new OtlpFormatError(`A span's ${what} is not ${bytes} bytes.`);
    if (allZero(v)) return zeroId(what, optional);
    hex = Buffer.isBuffer(v) ? v.toString('hex') : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    return hex;
  }
  hex = typeof v === 'string' ? v.toLowerCase() : '';
  if (hex.length !== bytes * 2 || !HEX.test(hex)) {
    throw new OtlpFormatError(`A span's ${what} is not ${bytes} bytes (${bytes * 2} hexadecimal digits in OTLP/JSON).`);
  }
  if (/^0+$/.test(hex)) return zeroId(what, optional);
  return hex;
}

function zeroId(what: string, optional: boolean): undefined {
  if (optional) return undefined;
  throw new OtlpFormatError(`A span's ${what} is all zeros, which OTLP defines as invalid.`);
}

/** Long (protobufjs), number, or decimal string (OTLP/JSON) → number. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v === '' ? 0 : Number(v);
  if (isObj(v) && typeof v.toNumber === 'function') return (v.toNumber as () => number)();
  return 0;
}

function nanosToSeconds(v: unknown, what: string): number {
  const n = toNumber(v);
  if (!Number.isFinite(n) || n < 0) throw new OtlpFormatError(`A span's ${what} is not a number of nanoseconds since the epoch.`);
  return n / 1e9;
}

/** Only members actually present: protobufjs puts every oneof member's default on the prototype. */
function present(o: Obj, camel: string, snake: string): unknown {
  return Object.hasOwn(o, camel) ? o[camel] : Object.hasOwn(o, snake) ? o[snake] : undefined;
}

function anyValue(v: unknown): AttrValue {
  if (!isObj(v)) return null;
  const member = present;
  const s = member(v, 'stringValue', 'string_value');
  if (s !== undefined && s !== null) return String(s);
  const b = member(v, 'boolValue', 'bool_value');
  if (b !== undefined && b !== null) return Boolean(b);
  const i = member(v, 'intValue', 'int_value');
  if (i !== undefined && i !== null) return toNumber(i);
  const d = member(v, 'doubleValue', 'double_value');
  if (d !== undefined && d !== null) return Number(d);
  const arr = member(v, 'arrayValue', 'array_value');
  if (isObj(arr)) return Array.isArray(arr.values) ? arr.values.map(anyValue) : [];
  const kv = member(v, 'kvlistValue', 'kvlist_value');
  if (isObj(kv)) return Object.fromEntries(attributes(kv.values));
  const bytes = member(v, 'bytesValue', 'bytes_value');
  if (bytes instanceof Uint8Array) return Buffer.from(bytes).toString('base64');
  if (typeof bytes === 'string') return bytes;
  return null;
}

function attributes(list: unknown): Attributes {
  const out: Attributes = new Map();
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (isObj(kv) && typeof kv.key === 'string') out.set(kv.key, anyValue(kv.value));
  }
  return out;
}

function span(o: Obj): OtlpSpan {
  const status = isObj(o.status) ? o.status : {};
  const events = Array.isArray(o.events) ? o.events.filter(isObj) : [];
  const links = Array.isArray(o.links) ? o.links.filter(isObj) : [];
  return {
    traceId: hexId(member(o, 'traceId', 'trace_id'), 16, 'traceId', false)!,
    spanId: hexId(member(o, 'spanId', 'span_id'), 8, 'spanId', false)!,
    parentSpanId: hexId(member(o, 'parentSpanId', 'parent_span_id'), 8, 'parentSpanId', true),
    name: typeof o.name === 'string' ? o.name : '',
    kind: toNumber(o.kind),
    start: nanosToSeconds(member(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano'),
    end: nanosToSeconds(member(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano'),
    attributes: attributes(o.attributes),
    events: events.map((e) => ({ name: typeof e.name === 'string' ? e.name : '', time: toNumber(member(e, 'timeUnixNano', 'time_unix_nano')) / 1e9, attributes: attributes(e.attributes) })),
    statusCode: toNumber(status.code),
    statusMessage: typeof status.message === 'string' ? status.message : '',
    links: links.flatMap((l) => {
      const traceId = hexId(member(l, 'traceId', 'trace_id'), 16, 'link traceId', true);
      const spanId = hexId(member(l, 'spanId', 'span_id'), 8, 'link spanId', true);
      return traceId && spanId ? [{ traceId, spanId, attributes: attributes(l.attributes) }] : [];
    }),
  };
}

/** The resource groups of a decoded ExportTraceServiceRequest (protobuf-decoded or parsed JSON). */
export function resourceSpanGroups(request: unknown): ResourceSpanGroup[] {
  if (!isObj(request)) throw new OtlpFormatError('The body is not an ExportTraceServiceRequest object.');
  const groups = member(request, 'resourceSpans', 'resource_spans');
  if (groups === undefined) return [];
  if (!Array.isArray(groups)) throw new OtlpFormatError('resourceSpans must be a list.');
  return groups.filter(isObj).map((g) => {
    const resource = isObj(g.resource) ? attributes(g.resource.attributes) : new Map<string, AttrValue>();
    const scopes = member(g, 'scopeSpans', 'scope_spans');
    const spans: OtlpSpan[] = [];
    if (Array.isArray(scopes)) {
      for (const s of scopes) if (isObj(s) && Array.isArray(s.spans)) for (const sp of s.spans) if (isObj(sp)) spans.push(span(sp));
    }
    return { resource, spans };
  });
}

/** How many spans a request holds, before any is translated (the 10,000-span limit is checked on this). */
export function countSpans(groups: ResourceSpanGroup[]): number {
  return groups.reduce((n, g) => n + g.spans.length, 0);
}
