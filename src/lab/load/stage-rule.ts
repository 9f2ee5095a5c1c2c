/**
 * Which sampling rule API Gateway applies to the load's requests, and how many of them it should trace.
 * Matching is X-Ray's own, from src/shared/xray-sampling.ts: the same module the local stage decides with.
 */
import type { SamplingRule } from '@aws-sdk/client-xray';
import { matchingRule as matchingRuleOf } from '../../shared/xray-sampling.js';
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

/** The stage's request as X-Ray's matcher sees it; headers are matched against a rule's Attributes. */
export function matchingRule(rules: readonly SamplingRule[], q: StageSamplingRequest): SamplingRule {
  const { headers, serviceType, ...rest } = q;
  return matchingRuleOf(rules, { ...rest, serviceType: serviceType ?? STAGE_SERVICE_TYPE, attributes: headers ?? {} });
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
