/**
 * X-Ray sampling rules: the one home of rule order, matching, the wildcard grammar, the Default rule and
 * the per-rule reservoir/rate decision. The local cloud's stage sampler decides with it and `load`
 * predicts with it, so "traced vs predicted" can only disagree by chance, never by a drifted copy.
 * Dependency-free on purpose (type imports only): the daemon sampling proxy and OTel ingest reuse it.
 * Semantics: https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html — rules by
 * Priority then RuleName, Default last; `*`/`?` wildcards, case-insensitive; ReservoirSize requests per
 * wall-clock second, then FixedRate of the rest.
 */
import type { SamplingRule } from '@aws-sdk/client-xray';

/** What a rule is matched against. An absent field matches any pattern (the SDKs do the same). */
export interface SamplingRuleRequest {
  serviceName?: string;
  serviceType?: string;
  host?: string;
  httpMethod?: string;
  urlPath?: string;
  resourceArn?: string;
  /**
   * Request headers, matched against a rule's Attributes (API Gateway does this). When absent, Attributes
   * are not checked; when present, a header the request lacks is matched as the empty string.
   */
  attributes?: Record<string, string>;
}

/** X-Ray's built-in rule, present in every account and region: 1 request per second plus 5 %. */
export const DEFAULT_RULE: Readonly<SamplingRule> = Object.freeze({
  RuleName: 'Default', ResourceARN: '*', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1,
  ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1, Attributes: Object.freeze({}),
});

const patterns = new Map<string, RegExp>();

/** `*` = any run of characters, `?` = exactly one; case-insensitive; an unknown pattern or value matches. */
export function wildcardMatch(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*' || value === undefined) return true;
  let re = patterns.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'is');
    // Rules are few; the bound only stops a caller with ever-new patterns from growing the cache forever.
    if (patterns.size < 1000) patterns.set(pattern, re);
  }
  return re.test(value);
}

export function ruleMatches(r: SamplingRule, q: SamplingRuleRequest): boolean {
  if (!wildcardMatch(r.ServiceName, q.serviceName) || !wildcardMatch(r.ServiceType, q.serviceType) || !wildcardMatch(r.Host, q.host) ||
    !wildcardMatch(r.HTTPMethod, q.httpMethod) || !wildcardMatch(r.URLPath, q.urlPath) || !wildcardMatch(r.ResourceARN, q.resourceArn)) {
    return false;
  }
  const wanted = Object.entries(r.Attributes ?? {});
  // Most rules (Default among them) have no Attributes: the request's headers are indexed only for those that do.
  if (!q.attributes || wanted.length === 0) return true;
  const headers = new Map(Object.entries(q.attributes).map(([k, v]) => [k.toLowerCase(), v]));
  return wanted.every(([k, p]) => wildcardMatch(p, headers.get(k.toLowerCase()) ?? ''));
}

/** Evaluation order: Priority ascending, then RuleName; Default always last (the built-in one when the list lacks it). */
export function orderRules(rules: readonly SamplingRule[]): SamplingRule[] {
  const rest = rules.filter((r) => r.RuleName !== 'Default');
  rest.sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0) || ((a.RuleName ?? '') < (b.RuleName ?? '') ? -1 : (a.RuleName ?? '') > (b.RuleName ?? '') ? 1 : 0));
  return [...rest, rules.find((r) => r.RuleName === 'Default') ?? DEFAULT_RULE];
}

/** The rule X-Ray applies to a request: the first match in evaluation order (Default matches everything). */
export function matchingRule(rules: readonly SamplingRule[], q: SamplingRuleRequest): SamplingRule {
  return orderRules(rules).find((r) => ruleMatches(r, q)) ?? DEFAULT_RULE;
}

/**
 * The reservoir and rate arithmetic of one sampler: per rule, the first ReservoirSize requests of each
 * wall-clock second are sampled, each further one with probability FixedRate.
 */
export class RuleReservoirs {
  private readonly used = new Map<string, { second: number; used: number }>();

  sample(rule: SamplingRule, nowMs: number, random: () => number): boolean {
    const name = rule.RuleName ?? 'Default';
    const second = Math.floor(nowMs / 1000);
    let res = this.used.get(name);
    if (!res || res.second !== second) this.used.set(name, (res = { second, used: 0 }));
    if (res.used < (rule.ReservoirSize ?? 0)) {
      res.used++;
      return true;
    }
    return random() < (rule.FixedRate ?? 0);
  }
}
