/**
 * Which sampling rule API Gateway applies to the load's requests, and how many of them it should trace.
 * Matching follows the X-Ray engine (reference §2.5, §2.7): Priority then RuleName, Default last,
 * `*`/`?` wildcards case-insensitively, an attribute the request does not carry counts as a match.
 */
import type { SamplingRule } from '@aws-sdk/client-xray';
import { wildcardMatch } from '../wildcard.js';
import { expectedSampled } from './sampling-estimate.js';

export interface StageSamplingRequest {
  /** `{apiName}/{stage}`: the name of API Gateway's segment. */
  serviceName: string;
  serviceType?: string;
  host?: string;
  httpMethod: string;
  /** The path below the stage, e.g. `/users/user123`. */
  urlPath: string;
  resourceArn?: string;
  /** Request headers (API Gateway matches a rule's Attributes against them). */
  headers?: Record<string, string>;
}

export const STAGE_SERVICE_TYPE = 'AWS::ApiGateway::Stage';

/** Used when the account's rules do not include Default (X-Ray always has one). */
const BUILT_IN_DEFAULT: SamplingRule = {
  RuleName: 'Default', ResourceARN: '*', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1,
  ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1, Attributes: {},
};

function matches(pattern: string | undefined, value: string | undefined): boolean {
  return pattern === undefined || value === undefined || wildcardMatch(pattern, value);
}

function ruleMatches(r: SamplingRule, q: StageSamplingRequest): boolean {
  const fields: [string | undefined, string | undefined][] = [
    [r.ServiceName, q.serviceName], [r.ServiceType, q.serviceType ?? STAGE_SERVICE_TYPE], [r.Host, q.host],
    [r.HTTPMethod, q.httpMethod], [r.URLPath, q.urlPath], [r.ResourceARN, q.resourceArn],
  ];
  if (!fields.every(([p, v]) => matches(p, v))) return false;
  const headers = Object.fromEntries(Object.entries(q.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(r.Attributes ?? {}).every(([k, p]) => wildcardMatch(p, headers[k.toLowerCase()] ?? ''));
}

export function orderRules(rules: readonly SamplingRule[]): SamplingRule[] {
  const rest = rules.filter((r) => r.RuleName !== 'Default');
  rest.sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0) || ((a.RuleName ?? '') < (b.RuleName ?? '') ? -1 : (a.RuleName ?? '') > (b.RuleName ?? '') ? 1 : 0));
  return [...rest, rules.find((r) => r.RuleName === 'Default') ?? BUILT_IN_DEFAULT];
}

export function matchingRule(rules: readonly SamplingRule[], q: StageSamplingRequest): SamplingRule {
  return orderRules(rules).find((r) => ruleMatches(r, q)) ?? BUILT_IN_DEFAULT;
}

export interface SampledPrediction {
  /** The rules that apply, with the share of requests each one sees. */
  rules: { ruleName: string; reservoirSize: number; fixedRate: number; share: number }[];
  expected: number;
  low: number;
  high: number;
}

export interface PredictInput {
  rules: readonly SamplingRule[];
  base: Omit<StageSamplingRequest, 'urlPath'>;
  /** Paths the run picks from uniformly. */
  paths: readonly string[];
  rps: number;
  durationS: number;
  /** Requests traced outside the run in its first wall-clock second (the warm-up) use up reservoir. */
  sharedFirstSecond?: boolean;
}

/** Paths are grouped by the rule they hit; each group gets its share of the rate (reservoirs are per rule). */
export function predictSampled(input: PredictInput): SampledPrediction {
  const groups = new Map<string, { rule: SamplingRule; count: number }>();
  for (const urlPath of input.paths) {
    const rule = matchingRule(input.rules, { ...input.base, urlPath });
    const key = rule.RuleName ?? 'Default';
    const g = groups.get(key) ?? { rule, count: 0 };
    g.count++;
    groups.set(key, g);
  }
  const out: SampledPrediction = { rules: [], expected: 0, low: 0, high: 0 };
  for (const [ruleName, { rule, count }] of groups) {
    const share = count / input.paths.length;
    const reservoir = rule.ReservoirSize ?? 0;
    const fixedRate = rule.FixedRate ?? 0;
    const p = expectedSampled({ rps: input.rps * share, durationS: input.durationS, reservoir, fixedRate });
    out.rules.push({ ruleName, reservoirSize: reservoir, fixedRate, share });
    out.expected += p.expected;
    out.low += Math.max(0, p.low - (input.sharedFirstSecond ? Math.min(reservoir, Math.ceil(input.rps * share)) : 0));
    out.high += p.high;
  }
  out.expected = Math.round(out.expected * 10) / 10;
  return out;
}
