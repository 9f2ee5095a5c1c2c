/**
 * The X-Amzn-Trace-Id header (https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader): `Root=…;Parent=…;Sampled=0|1|?` plus fields other services
 * add (Lineage, Self, …), which are passed on untouched. API Gateway and Lambda both read and write it.
 */
import type { IdGenerator } from '../core/types.js';

export interface TraceHeader {
  root?: string;
  parent?: string;
  /** '1' | '0' | '?' as sent, or undefined when absent. */
  sampled?: string;
  /** Fields we do not interpret (`Lineage=…`, `Self=…`), verbatim and in order. */
  extra: string[];
}

const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const SEGMENT_ID = /^[0-9a-f]{16}$/;

/** Keys are case-insensitive; a malformed Root or Parent counts as absent. */
export function parseTraceHeader(value: string | undefined): TraceHeader {
  const out: TraceHeader = { extra: [] };
  if (!value) return out;
  for (const field of value.split(';')) {
    const eq = field.indexOf('=');
    if (eq <= 0) continue;
    const key = field.slice(0, eq).trim().toLowerCase();
    const val = field.slice(eq + 1).trim();
    if (key === 'root') out.root = TRACE_ID.test(val) ? val : undefined;
    else if (key === 'parent') out.parent = SEGMENT_ID.test(val) ? val : undefined;
    else if (key === 'sampled') out.sampled = val;
    else out.extra.push(field.trim());
  }
  return out;
}

/** Without `sampled` the header carries no decision (`Root=…` only, or with a Parent). */
export function formatTraceHeader(h: { root: string; parent?: string; sampled?: '0' | '1'; extra?: readonly string[] }): string {
  let out = `Root=${h.root}`;
  if (h.parent) out += `;Parent=${h.parent}`;
  if (h.sampled) out += `;Sampled=${h.sampled}`;
  for (const field of h.extra ?? []) out += `;${field}`;
  return out;
}

/** `1-{epoch seconds, 8 hex}-{96 random bits}`. */
export function newTraceId(nowMs: number, ids: IdGenerator): string {
  return `1-${Math.floor(nowMs / 1000).toString(16).padStart(8, '0')}-${ids.hex(24)}`;
}
