/**
 * Sampling decisions for the local entry points (API Gateway stages; Lambda's own fixed rule), plus
 * the two read-side APIs SDK pollers call: GetSamplingTargets and GetSamplingStatisticSummaries.
 * Algorithm (AWS developer guide, "Sampling rules"; aws-xray-sdk-node sampling): rules by Priority
 * then RuleName, Default last; wildcard `*`/`?` matching, case-insensitive, unknown attributes match;
 * each rule samples its ReservoirSize per wall-clock second, then FixedRate of the rest.
 * Quota policy for SDK clients (inferred, reference §2.6): ceil(ReservoirSize / active clients).
 * Left out: SamplingRateBoost (boost statistics are accepted and ignored).
 */
import type {
  GetSamplingStatisticSummariesResult, GetSamplingTargetsRequest, GetSamplingTargetsResult, SamplingRule,
  SamplingStatisticsDocument, SamplingStatisticSummary, SamplingTargetDocument, UnprocessedStatistics,
} from '@aws-sdk/client-xray';
import { ServiceError } from '../core/errors.js';
import { epochSeconds } from './request.js';
import type { Clock } from '../core/types.js';

export interface SamplingRequest {
  serviceName?: string;
  serviceType?: string;
  host?: string;
  httpMethod?: string;
  urlPath?: string;
  resourceArn?: string;
  /** Request headers, matched against a rule's Attributes (API Gateway does this; SDKs skip such rules). */
  attributes?: Record<string, string>;
}

export interface SamplingDecision {
  sampled: boolean;
  ruleName: string;
}

export interface SamplerOptions {
  getRules: () => SamplingRule[];
  clock: Clock;
  random: () => number;
  /** When rules last changed (GetSamplingTargets' LastRuleModification). */
  lastRuleModification?: () => Date;
}

export const DEFAULT_RULE: SamplingRule = {
  RuleName: 'Default', ResourceARN: '*', Priority: 10000, FixedRate: 0.05, ReservoirSize: 1,
  ServiceName: '*', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1, Attributes: {},
};

const WINDOW_MS = 10_000;
const QUOTA_TTL_MS = 60_000;
const CLIENT_ACTIVE_MS = 60_000;
const TARGET_INTERVAL_S = 10;
const CLIENT_ID = /^[0-9a-fA-F]{24}$/;

interface Counters {
  window: number;
  requests: number;
  sampled: number;
  borrowed: number;
}

const patterns = new Map<string, RegExp>();

/** `*` = any run of characters, `?` = exactly one; case-insensitive; an unknown value matches. */
export function wildcardMatch(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '*' || value === undefined) return true;
  let re = patterns.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'is');
    if (patterns.size < 1000) patterns.set(pattern, re);
  }
  return re.test(value);
}

function ruleMatches(r: SamplingRule, q: SamplingRequest): boolean {
  if (!wildcardMatch(r.ServiceName, q.serviceName) || !wildcardMatch(r.ServiceType, q.serviceType) || !wildcardMatch(r.Host, q.host) ||
    !wildcardMatch(r.HTTPMethod, q.httpMethod) || !wildcardMatch(r.URLPath, q.urlPath) || !wildcardMatch(r.ResourceARN, q.resourceArn)) {
    return false;
  }
  const attrs = r.Attributes ?? {};
  for (const [k, pattern] of Object.entries(attrs)) {
    const header = q.attributes ? Object.entries(q.attributes).find(([h]) => h.toLowerCase() === k.toLowerCase())?.[1] : undefined;
    if (q.attributes && !wildcardMatch(pattern, header ?? '')) return false;
  }
  return true;
}

/** Evaluation order: Priority ascending, then RuleName; Default always last. */
export function orderRules(rules: SamplingRule[]): SamplingRule[] {
  const rest = rules.filter((r) => r.RuleName !== 'Default');
  rest.sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0) || ((a.RuleName ?? '') < (b.RuleName ?? '') ? -1 : (a.RuleName ?? '') > (b.RuleName ?? '') ? 1 : 0));
  return [...rest, rules.find((r) => r.RuleName === 'Default') ?? DEFAULT_RULE];
}

export class Sampler {
  private readonly reservoir = new Map<string, { second: number; used: number }>();
  private readonly counters = new Map<string, Counters>();
  private readonly clients = new Map<string, Map<string, number>>();
  private readonly created: number;

  constructor(private readonly opts: SamplerOptions) {
    this.created = opts.clock.now();
  }

  decide(q: SamplingRequest): SamplingDecision {
    const rule = orderRules(this.opts.getRules()).find((r) => ruleMatches(r, q))!;
    const name = rule.RuleName ?? 'Default';
    const now = this.opts.clock.now();
    const c = this.count(name, now);
    c.requests++;
    const second = Math.floor(now / 1000);
    let res = this.reservoir.get(name);
    if (!res || res.second !== second) this.reservoir.set(name, (res = { second, used: 0 }));
    let sampled = false;
    if (res.used < (rule.ReservoirSize ?? 0)) {
      res.used++;
      sampled = true;
    } else {
      sampled = this.opts.random() < (rule.FixedRate ?? 0);
    }
    if (sampled) c.sampled++;
    return { sampled, ruleName: name };
  }

  /** Counters of the current 10-second window for the rule, restarted when a new window begins. */
  private count(rule: string, now: number): Counters {
    const window = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    let c = this.counters.get(rule);
    if (!c || c.window !== window) this.counters.set(rule, (c = { window, requests: 0, sampled: 0, borrowed: 0 }));
    return c;
  }

  /** Per rule, the latest 10-second window that saw requests. */
  getSamplingStatisticSummaries(): GetSamplingStatisticSummariesResult {
    const known = new Set(this.opts.getRules().map((r) => r.RuleName));
    const out: SamplingStatisticSummary[] = [];
    for (const [RuleName, c] of this.counters) {
      if (!known.has(RuleName) && RuleName !== 'Default') continue;
      out.push({ RuleName, Timestamp: new Date(c.window), RequestCount: c.requests, BorrowCount: c.borrowed, SampledCount: c.sampled });
    }
    return { SamplingStatisticSummaries: out };
  }

  getSamplingTargets(input: GetSamplingTargetsRequest): GetSamplingTargetsResult {
    const docs = input.SamplingStatisticsDocuments;
    if (!Array.isArray(docs)) throw new ServiceError('InvalidRequestException', 'SamplingStatisticsDocuments is required', 400);
    if (docs.length > 25) throw new ServiceError('InvalidRequestException', 'SamplingStatisticsDocuments must contain at most 25 documents', 400);
    // Checked before any document is counted, so a refused call changes no statistics.
    docs.forEach(checkStatisticsDocument);
    const now = this.opts.clock.now();
    const rules = new Map(orderRules(this.opts.getRules()).map((r) => [r.RuleName, r]));
    const targets: SamplingTargetDocument[] = [];
    const unprocessed: UnprocessedStatistics[] = [];
    for (const d of docs) {
      const rule = d.RuleName === undefined ? undefined : rules.get(d.RuleName);
      if (typeof d.ClientID !== 'string' || !CLIENT_ID.test(d.ClientID)) {
        unprocessed.push({ RuleName: d.RuleName, ErrorCode: 'InvalidClientID', Message: 'ClientID must be 24 hexadecimal characters' });
        continue;
      }
      if (!rule) {
        unprocessed.push({ RuleName: d.RuleName, ErrorCode: 'RuleNotFound', Message: `Sampling rule ${d.RuleName} does not exist` });
        continue;
      }
      const name = rule.RuleName!;
      const c = this.count(name, now);
      c.requests += d.RequestCount ?? 0;
      c.sampled += d.SampledCount ?? 0;
      c.borrowed += d.BorrowCount ?? 0;
      const seen = this.clients.get(name) ?? new Map<string, number>();
      this.clients.set(name, seen);
      seen.set(d.ClientID, now);
      for (const [id, at] of seen) if (now - at > CLIENT_ACTIVE_MS) seen.delete(id);
      targets.push({
        RuleName: name, FixedRate: rule.FixedRate,
        ReservoirQuota: Math.ceil((rule.ReservoirSize ?? 0) / seen.size),
        ReservoirQuotaTTL: new Date(now + QUOTA_TTL_MS), Interval: TARGET_INTERVAL_S,
      });
    }
    return {
      SamplingTargetDocuments: targets,
      LastRuleModification: this.opts.lastRuleModification?.() ?? new Date(this.created),
      UnprocessedStatistics: unprocessed,
      UnprocessedBoostStatistics: [],
    };
  }
}

/** The counts are the model's Integer members: whole numbers, and a count cannot be negative. */
const MAX_COUNT = 2_147_483_647;

function checkStatisticsDocument(d: SamplingStatisticsDocument, i: number): void {
  if (typeof d !== 'object' || d === null) throw new ServiceError('InvalidRequestException', `SamplingStatisticsDocuments[${i}] must be an object`, 400);
  for (const name of ['RequestCount', 'SampledCount', 'BorrowCount'] as const) {
    const v: unknown = d[name];
    if (v === undefined && name === 'BorrowCount') continue;
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_COUNT) {
      throw new ServiceError('InvalidRequestException', `SamplingStatisticsDocuments[${i}].${name} must be a whole number from 0 to ${MAX_COUNT}`, 400);
    }
  }
  if (d.SampledCount! > d.RequestCount!) {
    throw new ServiceError('InvalidRequestException', `SamplingStatisticsDocuments[${i}].SampledCount cannot exceed RequestCount`, 400);
  }
  if (d.Timestamp !== undefined) epochSeconds(d.Timestamp, `SamplingStatisticsDocuments[${i}].Timestamp`);
}

/** Lambda's own decision when no upstream one arrived: 1 request per second plus 5 %, not configurable. */
export function lambdaSampler(clock: Clock, random: () => number): Sampler {
  return new Sampler({ getRules: () => [DEFAULT_RULE], clock, random });
}
