import { describe, it, expect } from 'vitest';
import type { SamplingRule } from '@aws-sdk/client-xray';
import { Sampler, lambdaSampler } from '../../../src/local/xray/sampling.js';
import { DEFAULT_RULE, orderRules, wildcardMatch } from '../../../src/shared/xray-sampling.js';
import { seededRandom } from '../../../src/local/xray/synthetic.js';

const T0 = 1_718_000_000_000;
const clockAt = (ms = T0) => ({ ms, now() { return this.ms; } });
const rule = (name: string, over: Partial<SamplingRule> = {}): SamplingRule => ({ ...DEFAULT_RULE, RuleName: name, Priority: 100, ...over });
const req = { serviceName: 'user-api/prod', serviceType: 'AWS::ApiGateway::Stage', host: 'abc.execute-api.us-east-1.amazonaws.com', httpMethod: 'GET', urlPath: '/prod/users/user123' };

function run(s: Sampler, n: number) {
  let sampled = 0;
  for (let i = 0; i < n; i++) if (s.decide(req).sampled) sampled++;
  return sampled;
}

describe('wildcardMatch', () => {
  it.each([
    ['*', 'anything', true], ['/users/*', '/users/42', true], ['/users/*', '/orders/1', false], ['GET', 'get', true],
    ['user-?', 'user-1', true], ['user-?', 'user-12', false], ['*.amazonaws.com', 'x.execute-api.amazonaws.com', true], ['a.c', 'abc', false],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('treats an unknown request attribute as a match', () => {
    expect(wildcardMatch('/users/*', undefined)).toBe(true);
  });
});

describe('Sampler', () => {
  it('samples nothing with reservoir 0 and rate 0', () => {
    const s = new Sampler({ getRules: () => [rule('none', { ReservoirSize: 0, FixedRate: 0 }), DEFAULT_RULE], clock: clockAt(), random: seededRandom(1) });
    expect(run(s, 500)).toBe(0);
  });

  it('samples everything with rate 1', () => {
    const s = new Sampler({ getRules: () => [rule('all', { ReservoirSize: 0, FixedRate: 1 }), DEFAULT_RULE], clock: clockAt(), random: seededRandom(1) });
    expect(run(s, 500)).toBe(500);
  });

  it('falls back to Default when no rule matches, and adds it when the list lacks one', () => {
    const s = new Sampler({ getRules: () => [rule('orders', { URLPath: '/orders/*', FixedRate: 1 })], clock: clockAt(), random: seededRandom(1) });
    expect(s.decide(req).ruleName).toBe('Default');
    expect(s.decide({ ...req, urlPath: '/orders/7' })).toEqual({ sampled: true, ruleName: 'orders' });
  });

  it('evaluates by priority, then name, with Default last', () => {
    const rules = [DEFAULT_RULE, rule('b-rule', { Priority: 10 }), rule('z-rule', { Priority: 5 }), rule('a-rule', { Priority: 10 })];
    expect(orderRules(rules).map((r) => r.RuleName)).toEqual(['z-rule', 'a-rule', 'b-rule', 'Default']);
    const s = new Sampler({ getRules: () => rules, clock: clockAt(), random: seededRandom(1) });
    expect(s.decide(req).ruleName).toBe('z-rule');
  });

  it('matches service name, type and method case-insensitively with wildcards', () => {
    const rules = [rule('lab', { ServiceName: 'USER-API/*', ServiceType: 'AWS::ApiGateway::Stage', HTTPMethod: 'get', FixedRate: 1, ReservoirSize: 0 }), DEFAULT_RULE];
    const s = new Sampler({ getRules: () => rules, clock: clockAt(), random: seededRandom(1) });
    expect(s.decide(req).ruleName).toBe('lab');
    expect(s.decide({ ...req, httpMethod: 'POST' }).ruleName).toBe('Default');
  });

  it('spends the reservoir once per wall-clock second before the fixed rate', () => {
    const clock = clockAt(T0 + 100);
    const s = new Sampler({ getRules: () => [rule('r', { ReservoirSize: 3, FixedRate: 0 })], clock, random: seededRandom(1) });
    expect(run(s, 10)).toBe(3);
    clock.ms = T0 + 900;
    expect(run(s, 10)).toBe(0);
    clock.ms = T0 + 1000;
    expect(run(s, 10)).toBe(3);
  });

  it('samples about FixedRate of the requests beyond the reservoir', () => {
    const s = new Sampler({ getRules: () => [rule('r', { ReservoirSize: 0, FixedRate: 0.1 })], clock: clockAt(), random: seededRandom(2024) });
    const n = 10_000;
    const k = run(s, n);
    // Binomial(10000, 0.1): mean 1000, sd 30; six sd either side never trips a correct sampler.
    expect(k).toBeGreaterThan(820);
    expect(k).toBeLessThan(1180);
  });

  it('counts requests and sampled requests per rule in 10-second windows', () => {
    const clock = clockAt(T0 + 2_000);
    const s = new Sampler({ getRules: () => [rule('r', { ReservoirSize: 2, FixedRate: 0 }), DEFAULT_RULE], clock, random: seededRandom(1) });
    run(s, 7);
    const [summary] = s.getSamplingStatisticSummaries().SamplingStatisticSummaries!;
    expect(summary).toEqual({ RuleName: 'r', Timestamp: new Date(T0), RequestCount: 7, BorrowCount: 0, SampledCount: 2 });
  });
});

describe('getSamplingTargets', () => {
  const doc = (ClientID: string, RuleName = 'r') => ({ RuleName, ClientID, Timestamp: new Date(T0), RequestCount: 10, SampledCount: 2, BorrowCount: 1 });

  it('splits the reservoir between active clients and folds their counts into the statistics', () => {
    const clock = clockAt();
    const s = new Sampler({ getRules: () => [rule('r', { ReservoirSize: 5, FixedRate: 0.2 }), DEFAULT_RULE], clock, random: seededRandom(1), lastRuleModification: () => new Date(T0 - 5000) });
    const first = s.getSamplingTargets({ SamplingStatisticsDocuments: [doc('a'.repeat(24))] });
    expect(first.SamplingTargetDocuments).toEqual([{ RuleName: 'r', FixedRate: 0.2, ReservoirQuota: 5, ReservoirQuotaTTL: new Date(T0 + 60_000), Interval: 10 }]);
    expect(first.LastRuleModification).toEqual(new Date(T0 - 5000));

    const second = s.getSamplingTargets({ SamplingStatisticsDocuments: [doc('b'.repeat(24))] });
    expect(second.SamplingTargetDocuments![0].ReservoirQuota).toBe(3);
    expect(s.getSamplingStatisticSummaries().SamplingStatisticSummaries).toEqual([{ RuleName: 'r', Timestamp: new Date(T0), RequestCount: 20, BorrowCount: 2, SampledCount: 4 }]);
  });

  it('reports unknown rules and bad client ids as unprocessed, and caps the batch at 25', () => {
    const s = new Sampler({ getRules: () => [DEFAULT_RULE], clock: clockAt(), random: seededRandom(1) });
    const out = s.getSamplingTargets({ SamplingStatisticsDocuments: [doc('a'.repeat(24), 'gone'), doc('xyz', 'Default')] });
    expect(out.SamplingTargetDocuments).toEqual([]);
    expect(out.UnprocessedStatistics!.map((u) => u.ErrorCode)).toEqual(['RuleNotFound', 'InvalidClientID']);
    expect(() => s.getSamplingTargets({ SamplingStatisticsDocuments: Array.from({ length: 26 }, () => doc('a'.repeat(24))) })).toThrow(/25/);
  });
});

describe('lambdaSampler', () => {
  it('takes the first request of each second and about 5 % of the rest', () => {
    const clock = clockAt();
    const s = lambdaSampler(clock, seededRandom(77));
    let sampled = 0;
    for (let sec = 0; sec < 100; sec++) {
      clock.ms = T0 + sec * 1000;
      const first = s.decide({});
      expect(first.sampled).toBe(true);
      for (let i = 0; i < 99; i++) if (s.decide({}).sampled) sampled++;
    }
    // Binomial(9900, 0.05): mean 495, sd 22.
    expect(sampled).toBeGreaterThan(380);
    expect(sampled).toBeLessThan(610);
  });
});
