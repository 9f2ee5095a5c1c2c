/**
 * Turns an X-Ray SDK "local sampling rules" document (version 1 or 2) into API SamplingRules.
 * The two formats differ (https://docs.aws.amazon.com/xray/latest/devguide/xray-sdk-nodejs-configuration.html vs https://docs.aws.amazon.com/xray/latest/api/API_SamplingRule.html): one API call creates one rule, `fixed_target` (per
 * instance) becomes `ReservoirSize` (fleet-wide), array position becomes `Priority`, and the
 * document's `default` maps to the account's Default rule, which we never change.
 * Validation is strict and names the offending field, so nothing is created from a bad document.
 */
import { UserError } from './errors.js';

export interface ApiSamplingRule {
  RuleName: string;
  ResourceARN: string;
  Priority: number;
  FixedRate: number;
  ReservoirSize: number;
  ServiceName: string;
  ServiceType: string;
  Host: string;
  HTTPMethod: string;
  URLPath: string;
  Version: 1;
  Attributes: Record<string, string>;
}

export interface LocalRule {
  description?: string;
  host: string;
  http_method: string;
  url_path: string;
  fixed_target: number;
  rate: number;
}

export interface LocalSamplingDocument {
  version: 1 | 2;
  default: { fixed_target: number; rate: number };
  rules: LocalRule[];
}

const RULE_KEYS = new Set(['description', 'host', 'service_name', 'http_method', 'url_path', 'fixed_target', 'rate']);
const DEFAULT_KEYS = new Set(['fixed_target', 'rate']);
const TOP_KEYS = new Set(['version', 'default', 'rules']);

function invalid(source: string, field: string, problem: string): UserError {
  return new UserError(`Invalid sampling document ${source}: ${field} ${problem}`, 'Nothing was created.');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Record<string, unknown>, allowed: Set<string>, at: string, source: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.has(k)) throw invalid(source, `${at}${k}`, `is not a known key (allowed: ${[...allowed].join(', ')})`);
  }
}

function rateAt(o: Record<string, unknown>, field: string, source: string): number {
  const v = o.rate;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(source, field, 'must be a number between 0 and 1');
  if (v < 0 || v > 1) throw invalid(source, field, `must be between 0 and 1 (a fraction, not a percentage), got ${v}`);
  return v;
}

function fixedTargetAt(o: Record<string, unknown>, field: string, source: string): number {
  const v = o.fixed_target;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(source, field, 'must be a non-negative integer');
  return v;
}

function stringAt(o: Record<string, unknown>, key: string, field: string, source: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) throw invalid(source, field, 'must be a non-empty string');
  if (v.length > max) throw invalid(source, field, `must be at most ${max} characters`);
  return v;
}

/** Validates a parsed document. `source` names it in errors (a file path or "built-in"). */
export function parseLocalSamplingDocument(raw: unknown, source: string): LocalSamplingDocument {
  if (!isObject(raw)) throw invalid(source, 'the document', 'must be a JSON object');
  checkKeys(raw, TOP_KEYS, '', source);
  if (raw.version !== 1 && raw.version !== 2) throw invalid(source, 'version', `must be 1 or 2, got ${JSON.stringify(raw.version)}`);
  if (!isObject(raw.default)) throw invalid(source, 'default', 'is required and must be an object with fixed_target and rate');
  checkKeys(raw.default, DEFAULT_KEYS, 'default.', source);
  const def = { fixed_target: fixedTargetAt(raw.default, 'default.fixed_target', source), rate: rateAt(raw.default, 'default.rate', source) };
  const rulesRaw = raw.rules ?? [];
  if (!Array.isArray(rulesRaw)) throw invalid(source, 'rules', 'must be an array');
  const rules = rulesRaw.map((r: unknown, i): LocalRule => {
    const at = `rules[${i}].`;
    if (!isObject(r)) throw invalid(source, `rules[${i}]`, 'must be an object');
    checkKeys(r, RULE_KEYS, at, source);
    // Version 1 names the Host matcher `service_name`; the guide uses that name in a version 2 document, so accept either.
    const hostKey = 'host' in r ? 'host' : 'service_name';
    if ('host' in r && 'service_name' in r) throw invalid(source, `${at}service_name`, 'cannot be given together with host (they are the same matcher)');
    const description = r.description;
    if (description !== undefined && typeof description !== 'string') throw invalid(source, `${at}description`, 'must be a string');
    return {
      ...(description !== undefined ? { description } : {}),
      host: stringAt(r, hostKey, `${at}${hostKey}`, source, 64),
      http_method: stringAt(r, 'http_method', `${at}http_method`, source, 10),
      url_path: stringAt(r, 'url_path', `${at}url_path`, source, 128),
      fixed_target: fixedTargetAt(r, `${at}fixed_target`, source),
      rate: rateAt(r, `${at}rate`, source),
    };
  });
  return { version: raw.version, default: def, rules };
}

/** Parses JSON text first, so a syntax error names the file and position. */
export function parseLocalSamplingText(text: string, source: string): LocalSamplingDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(source, 'the document', `is not valid JSON (${(e as Error).message})`);
  }
  return parseLocalSamplingDocument(raw, source);
}

/** API rule names: 1–32 characters, unique; derived from the description where there is one. */
export function ruleNameFor(rule: LocalRule, index: number, prefix: string, taken: Set<string>): string {
  const slug = (rule.description ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  let base = `${prefix}${slug || `rule-${index + 1}`}`;
  if (base.length > 32) {
    // Cut at a word boundary so the name stays readable.
    base = base.slice(0, 33);
    const cut = base.lastIndexOf('-');
    base = cut > prefix.length ? base.slice(0, cut) : base.slice(0, 32);
  }
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 32 - String(n).length - 1)}-${n}`;
  taken.add(name);
  return name;
}

export const FIRST_PRIORITY = 1000;

/** One API rule per local rule, in document order (priority 1000, 1001, …). */
export function toApiSamplingRules(doc: LocalSamplingDocument, prefix = 'xray-lab-'): ApiSamplingRule[] {
  const taken = new Set<string>(['Default']);
  return doc.rules.map((r, i) => ({
    RuleName: ruleNameFor(r, i, prefix, taken),
    ResourceARN: '*',
    Priority: FIRST_PRIORITY + i,
    FixedRate: r.rate,
    ReservoirSize: r.fixed_target,
    ServiceName: '*',
    ServiceType: '*',
    Host: r.host,
    HTTPMethod: r.http_method,
    URLPath: r.url_path,
    Version: 1,
    Attributes: {},
  }));
}
