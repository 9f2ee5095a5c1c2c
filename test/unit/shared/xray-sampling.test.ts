import type { SamplingRule } from '@aws-sdk/client-xray';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE, matchingRule, orderRules, RuleReservoirs, wildcardMatch } from '../../../src/shared/xray-sampling.js';

const rule = (o: Partial<SamplingRule>): SamplingRule => ({ ...DEFAULT_RULE, Attributes: {}, RuleName: 'r', Priority: 1000, ...o });
// The request as the local stage sampler builds it, and as `load` predicts it (headers → attributes).
const stage = {
  serviceName: 'user-api/prod', serviceType: 'AWS::ApiGateway::Stage', host: 'abc.execute-api.us-east-1.amazonaws.com', httpMethod: 'GET',
};

describe('wildcardMatch', () => {
  it.each([
    ['*', 'anything', true], ['/users/*', '/users/42', true], ['/users/*', '/orders/1', false], ['GET', 'get', true],
    ['user-?', 'user-1', true], ['user-?', 'user-12', false], ['*.amazonaws.com', 'x.execute-api.amazonaws.com', true],
    ['a.c', 'abc', false], ['a+b', 'a+b', true], ['(x)', '(x)', true], ['*', '', true], ['?', '', false],
  ])('%s vs %s → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it('matches when the pattern or the request value is unknown', () => {
    expect(wildcardMatch('/users/*', undefined)).toBe(true);
    expect(wildcardMatch(undefined, '/users/1')).toBe(true);
  });
});

describe('orderRules and matchingRule', () => {
  it('orders by Priority, then RuleName, with Default last whatever its priority', () => {
    const rules = [rule({ RuleName: 'Default', Priority: 1 }), rule({ RuleName: 'b', Priority: 5 }), rule({ RuleName: 'z', Priority: 2 }), rule({ RuleName: 'a', Priority: 5 })];

    expect(orderRules(rules).map((r) => r.RuleName)).toEqual(['z', 'a', 'b', 'Default']);
    expect(matchingRule(rules, { ...stage, urlPath: '/users/x' }).RuleName).toBe('z');
  });

  it('adds the built-in Default (1/s + 5 %) when the list has none, and falls back to it', () => {
    expect(orderRules([rule({ RuleName: 'x' })]).at(-1)).toBe(DEFAULT_RULE);
    expect(matchingRule([rule({ RuleName: 'orders', URLPath: '/orders/*' })], { ...stage, urlPath: '/' })).toMatchObject({ RuleName: 'Default', ReservoirSize: 1, FixedRate: 0.05 });
  });

  it('matches ServiceName, ServiceType, method and URLPath case-insensitively', () => {
    const rules = [
      rule({ RuleName: 'guide', ServiceName: 'user-service', URLPath: '/api/users/*', Priority: 1 }),
      rule({ RuleName: 'lambda-only', ServiceType: 'AWS::Lambda', Priority: 2 }),
      rule({ RuleName: 'stage', ServiceName: 'USER-API/*', HTTPMethod: 'get', URLPath: '*/users/*', Priority: 4 }),
    ];

    expect(matchingRule(rules, { ...stage, urlPath: '/users/user123' }).RuleName).toBe('stage');
    expect(matchingRule(rules, { ...stage, httpMethod: 'POST', urlPath: '/users/user123' }).RuleName).toBe('Default');
  });

  it('checks Attributes against headers (any case) when the caller passes them, and skips the check when it does not', () => {
    const rules = [rule({ RuleName: 'needs-header', Attributes: { 'X-Team': 'blue' }, Priority: 3 })];

    expect(matchingRule(rules, { ...stage, urlPath: '/', attributes: { 'x-team': 'blue' } }).RuleName).toBe('needs-header');
    expect(matchingRule(rules, { ...stage, urlPath: '/', attributes: { 'x-team': 'red' } }).RuleName).toBe('Default');
    expect(matchingRule(rules, { ...stage, urlPath: '/', attributes: {} }).RuleName).toBe('Default');
    expect(matchingRule(rules, { ...stage, urlPath: '/' }).RuleName).toBe('needs-header');
  });
});

describe('RuleReservoirs', () => {
  it('samples ReservoirSize requests per wall-clock second per rule, then FixedRate of the rest', () => {
    const reservoirs = new RuleReservoirs();
    const r = rule({ RuleName: 'r', ReservoirSize: 2, FixedRate: 0 });
    const other = rule({ RuleName: 'other', ReservoirSize: 1, FixedRate: 0 });
    const never = () => 0.99;

    expect([1, 2, 3].map(() => reservoirs.sample(r, 5_000, never))).toEqual([true, true, false]);
    expect(reservoirs.sample(other, 5_999, never)).toBe(true);
    expect(reservoirs.sample(r, 6_000, never)).toBe(true);
    expect(reservoirs.sample(rule({ RuleName: 'rate', ReservoirSize: 0, FixedRate: 0.5 }), 6_000, () => 0.49)).toBe(true);
    expect(reservoirs.sample(rule({ RuleName: 'rate', ReservoirSize: 0, FixedRate: 0.5 }), 6_000, () => 0.5)).toBe(false);
  });
});
