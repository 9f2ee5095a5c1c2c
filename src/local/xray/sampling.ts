/**
 * Sampling decisions for the local entry points (API Gateway stages; Lambda's own fixed rule), plus
 * the two read-side APIs SDK pollers call: GetSamplingTargets and GetSamplingStatisticSummaries.
 * Rule order, matching and the reservoir/rate decision are src/shared/xray-sampling.ts (shared with `load`'s
 * prediction). Quota policy for SDK clients: ceil(ReservoirSize / active clients) — AWS does not document
 * how it splits a reservoir between clients, so this is our choice, not a copied behaviour.
 * Left out: SamplingRateBoost (boost statistics are accepted and ignored).
 */
import type {
  GetSamplingStatisticSummariesResult, GetSamplingTargetsRequest, GetSamplingTargetsResult, SamplingRule,
  SamplingStatisticsDocument, SamplingStatisticSummary, SamplingTargetDocument, UnprocessedStatistics,
} from '@aws-sdk/client-xray';
import { ServiceError } from '../core/errors.js';
import { epochSeconds } from './request.js';
import type { Clock } from '../core/types.js';
import { DEFAULT_RULE, matchingRule, orderRules, RuleReservoirs, type SamplingRuleRequest } from '../../shared/xray-sampling.js';

/** Request headers in `attributes` are matched against a rule's Attributes (API Gateway does this; SDKs skip such rules). */
export type SamplingRequest = SamplingRuleRequest;

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

export class Sampler {
  private readonly reservoirs = new RuleReservoirs();
  private readonly counters = new Map<string, Counters>();
  private readonly clients = new Map<string, Map<string, number>>();
  private readonly created: number;

  constructor(private readonly opts: SamplerOptions) {
    this.created = opts.clock.now();
  }

  decide(q: SamplingRequest): SamplingDecision {
    const rule = matchingRule(this.opts.getRules(), q);
    const name = rule.RuleName ?? 'Default';
    const now = this.opts.clock.now();
    const c = this.count(name, now);
    c.requests++;
    const sampled = this.reservoirs.sample(rule, now, this.opts.random);
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
