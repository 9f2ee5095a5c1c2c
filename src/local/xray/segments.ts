/**
 * Segment documents as X-Ray receives them (PutTraceSegments / daemon UDP), and the checks
 * PutTraceSegments applies before accepting one. Field list: AWS "Segment documents" reference
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html).
 * Unknown members are kept: X-Ray stores what it does not understand as long as the required ones hold.
 */

import { jsonNestsDeeperThan, valueNestsDeeperThan } from '../core/json-depth.js';

export type AnnotationScalar = string | number | boolean;

export interface HttpInfo {
  request?: {
    method?: string;
    url?: string;
    user_agent?: string;
    client_ip?: string;
    x_forwarded_for?: boolean;
    traced?: boolean;
  };
  response?: { status?: number; content_length?: number };
}

export interface CauseException {
  id?: string;
  message?: string;
  type?: string;
  remote?: boolean;
  cause?: string;
  truncated?: number;
  skipped?: number;
  stack?: { path?: string; line?: number; label?: string }[];
}

export interface CauseObject {
  working_directory?: string;
  paths?: string[];
  exceptions?: CauseException[];
}

/** What segments and subsegments have in common. */
export interface EntityDoc {
  id: string;
  name: string;
  start_time: number;
  end_time?: number;
  in_progress?: boolean;
  namespace?: string;
  http?: HttpInfo;
  aws?: Record<string, unknown>;
  error?: boolean;
  fault?: boolean;
  throttle?: boolean;
  cause?: CauseObject | string;
  annotations?: Record<string, AnnotationScalar>;
  metadata?: Record<string, unknown>;
  subsegments?: EntityDoc[];
  [key: string]: unknown;
}

/** A top-level document: a segment, or a subsegment sent on its own (`type: "subsegment"`). */
export interface SegmentDoc extends EntityDoc {
  trace_id: string;
  parent_id?: string;
  type?: string;
  origin?: string;
  user?: string;
  resource_arn?: string;
  inferred?: boolean;
}

export interface UnprocessedSegment {
  Id?: string;
  ErrorCode: string;
  Message: string;
}

export type ValidationResult = { ok: true; doc: SegmentDoc } | { ok: false; error: UnprocessedSegment };

export const MAX_DOCUMENT_BYTES = 64 * 1024;
/**
 * JSON nesting a document may have. Subsegments are capped at 32 levels (two JSON levels each), and
 * metadata rarely nests beyond a few; far deeper documents (thousands of levels) would overflow every
 * recursive reader that serves them back, so they are refused at ingest rather than stored.
 */
export const MAX_DOCUMENT_DEPTH = 100;
/** The last second a timestamp may name (9999-12-31T23:59:59Z): later ones have no date to answer with. */
export const MAX_EPOCH_SECONDS = 253_402_300_799;
export const TRACE_ID_RE = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
export const SEGMENT_ID_RE = /^[0-9a-f]{16}$/;
const MAX_NAME = 200;

function fail(id: unknown, code: string, message: string): ValidationResult {
  return { ok: false, error: { ...(typeof id === 'string' ? { Id: id } : {}), ErrorCode: code, Message: message } };
}

const isEpochSeconds = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= MAX_EPOCH_SECONDS;

function checkTiming(o: Record<string, unknown>): string | undefined {
  if (!isEpochSeconds(o.start_time)) return `start_time must be a number of epoch seconds from 0 to ${MAX_EPOCH_SECONDS}`;
  const hasEnd = o.end_time !== undefined;
  const inProgress = o.in_progress === true;
  if (hasEnd && !isEpochSeconds(o.end_time)) return `end_time must be a number of epoch seconds from 0 to ${MAX_EPOCH_SECONDS}`;
  if (hasEnd === inProgress) return 'exactly one of end_time or in_progress=true is required';
  return undefined;
}

/** Embedded subsegments need id, name and timing; checked recursively so assembly can trust them. */
function checkEmbedded(subs: unknown, depth: number): string | undefined {
  if (subs === undefined) return undefined;
  if (!Array.isArray(subs)) return 'subsegments must be an array';
  if (depth > 32) return 'subsegments nested too deeply';
  for (const s of subs) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return 'subsegment must be an object';
    const o = s as Record<string, unknown>;
    if (typeof o.id !== 'string' || !SEGMENT_ID_RE.test(o.id)) return 'subsegment id must be 16 hexadecimal digits';
    if (typeof o.name !== 'string' || o.name.length === 0) return `subsegment ${o.id} needs a name`;
    const timing = checkTiming(o);
    if (timing) return `subsegment ${o.id}: ${timing}`;
    const nested = checkEmbedded(o.subsegments, depth + 1);
    if (nested) return nested;
  }
  return undefined;
}

export interface IngestLimits {
  /**
   * Epoch seconds before which a document has already outlived retention. Such a document is refused
   * (`SegmentTooOld`) instead of being stored and swept later: a refusal is what the caller can see.
   */
  oldestSeconds?: number;
}

/**
 * PutTraceSegments' acceptance checks for one document. The error codes are this emulator's own
 * (AWS does not document the ErrorCode values); messages name the offending field.
 */
export function validateSegmentDocument(text: string, limits: IngestLimits = {}): ValidationResult {
  const large = refuseTooLarge(text);
  if (large) return large;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Too deep is the more useful answer when both hold (the text scan is only paid on this failure path).
    if (jsonNestsDeeperThan(text, MAX_DOCUMENT_DEPTH)) return tooDeep();
    return fail(undefined, 'InvalidJson', 'Segment document is not valid JSON');
  }
  return validateParsedSegment(parsed, limits);
}

/** True when the text's UTF-8 form is over `max` bytes. */
export function utf8LongerThan(text: string, max: number): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long texts need the exact (full-scan) count.
  return text.length * 3 > max && Buffer.byteLength(text, 'utf8') > max;
}

/** The size check of a document's text, or undefined when it fits. */
export function refuseTooLarge(text: string): ValidationResult | undefined {
  if (utf8LongerThan(text, MAX_DOCUMENT_BYTES)) {
    return fail(undefined, 'DocumentTooLarge', `Segment document exceeds ${MAX_DOCUMENT_BYTES} bytes`);
  }
  return undefined;
}

function tooDeep(): ValidationResult {
  return fail(undefined, 'DocumentTooDeep', `Segment document nests deeper than ${MAX_DOCUMENT_DEPTH} levels; flatten its metadata`);
}

/**
 * The same checks on a document already parsed (or built, as OTLP's translator does), minus the size,
 * which is the caller's to check on the text it stores. Depth is measured on the value: JSON.parse is
 * iterative in V8, so parsing first is safe, and visiting values costs less than scanning characters.
 */
export function validateParsedSegment(parsed: unknown, limits: IngestLimits = {}): ValidationResult {
  if (valueNestsDeeperThan(parsed, MAX_DOCUMENT_DEPTH)) return tooDeep();
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(undefined, 'InvalidSegment', 'Segment document must be a JSON object');
  }
  const o = parsed as Record<string, unknown>;
  const id = o.id;
  if (typeof id !== 'string' || !SEGMENT_ID_RE.test(id)) return fail(id, 'InvalidSegmentId', 'id must be 16 hexadecimal digits');
  if (typeof o.trace_id !== 'string' || !TRACE_ID_RE.test(o.trace_id)) {
    return fail(id, 'InvalidTraceId', 'trace_id must match 1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx');
  }
  if (typeof o.name !== 'string' || o.name.length === 0) return fail(id, 'MissingName', 'name is required');
  if (o.name.length > MAX_NAME) return fail(id, 'InvalidName', `name must be at most ${MAX_NAME} characters`);
  const timing = checkTiming(o);
  if (timing) return fail(id, 'InvalidTiming', timing);
  if (o.type !== undefined && o.type !== 'subsegment') return fail(id, 'InvalidType', 'type must be "subsegment" when present');
  if (o.parent_id !== undefined && (typeof o.parent_id !== 'string' || !SEGMENT_ID_RE.test(o.parent_id))) {
    return fail(id, 'InvalidParentId', 'parent_id must be 16 hexadecimal digits');
  }
  if (o.type === 'subsegment' && o.parent_id === undefined) {
    return fail(id, 'MissingParentId', 'an independent subsegment needs parent_id');
  }
  if (o.annotations !== undefined) {
    if (typeof o.annotations !== 'object' || o.annotations === null || Array.isArray(o.annotations)) {
      return fail(id, 'InvalidAnnotations', 'annotations must be an object');
    }
    for (const [k, v] of Object.entries(o.annotations)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return fail(id, 'InvalidAnnotations', `annotation ${k} must be a string, number or boolean`);
    }
  }
  const nested = checkEmbedded(o.subsegments, 0);
  if (nested) return fail(id, 'InvalidSubsegment', nested);
  const last = (o.end_time ?? o.start_time) as number;
  if (limits.oldestSeconds !== undefined && last < limits.oldestSeconds) {
    return fail(id, 'SegmentTooOld', `Segment ended at ${new Date(last * 1000).toISOString()}, before the trace retention window; send segments of the last 30 days`);
  }
  return { ok: true, doc: o as SegmentDoc };
}
