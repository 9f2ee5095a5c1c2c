import type { SamplingRule } from '@aws-sdk/client-xray';
import { describe, expect, it } from 'vitest';
import { invokeUrlFromState, parseInvokeUrl } from '../../../src/lab/load/invoke-url.js';
import { RESOURCE_TYPES } from '../../../src/lab/resource-types.js';
import { matchingRule, predictSampled } from '../../../src/lab/load/stage-rule.js';

const rule = (o: Partial<SamplingRule>): SamplingRule => ({
  RuleName: 'r', ResourceARN: '*', Priority: 1000, FixedRate: 0.1, ReservoirSize: 1, ServiceName: '*', ServiceType: '*',
  Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1, Attributes: {}, ...o,
});
const stage = { serviceName: 'user-api/prod', httpMethod: 'GET', host: 'abc.execute-api.us-east-1.amazonaws.com' };

describe('matchingRule', () => {
  it('takes the lowest priority, then the lower name, and leaves Default last whatever its priority', () => {
    const rules = [rule({ RuleName: 'Default', Priority: 1 }), rule({ RuleName: 'b', Priority: 5 }), rule({ RuleName: 'a', Priority: 5 })];

    expect(matchingRule(rules, { ...stage, urlPath: '/users/x' }).RuleName).toBe('a');
  });

  it('matches ServiceName, ServiceType and URLPath with case-insensitive wildcards, and headers for Attributes', () => {
    const rules = [
      rule({ RuleName: 'guide', ServiceName: 'user-service', URLPath: '/api/users/*', Priority: 1 }),
      rule({ RuleName: 'lambda-only', ServiceType: 'AWS::Lambda', Priority: 2 }),
      rule({ RuleName: 'needs-header', Attributes: { 'X-Team': 'blue' }, Priority: 3 }),
      rule({ RuleName: 'stage', ServiceName: 'USER-API/*', URLPath: '*/users/*', Priority: 4 }),
      rule({ RuleName: 'Default', Priority: 10000 }),
    ];

    expect(matchingRule(rules, { ...stage, urlPath: '/users/user123' }).RuleName).toBe('stage');
    expect(matchingRule(rules, { ...stage, urlPath: '/users/user123', headers: { 'x-team': 'blue' } }).RuleName).toBe('needs-header');
    expect(matchingRule(rules, { ...stage, urlPath: '/health' }).RuleName).toBe('Default');
  });

  it('falls back to the built-in Default (1/s + 5 %) when the list has none', () => {
    expect(matchingRule([], { ...stage, urlPath: '/' })).toMatchObject({ RuleName: 'Default', ReservoirSize: 1, FixedRate: 0.05 });
  });
});

describe('predictSampled', () => {
  it('splits the rate between rules by the users that hit each, reservoir per rule', () => {
    const rules = [rule({ RuleName: 'found', URLPath: '/users/user123', ReservoirSize: 1, FixedRate: 0 }), rule({ RuleName: 'Default', Priority: 10000, ReservoirSize: 0, FixedRate: 0 })];

    const p = predictSampled({ rules, base: stage, paths: ['/users/user123', '/users/nonexistent'], rps: 10, durationS: 10 });

    expect(p.rules.map((r) => [r.ruleName, r.share])).toEqual([['found', 0.5], ['Default', 0.5]]);
    expect(p.expected).toBe(10);
    expect(p.low).toBe(10);
  });

  it('allows for warm-up requests taking the first second\'s reservoir', () => {
    const rules = [rule({ RuleName: 'Default', ReservoirSize: 2, FixedRate: 0 })];
    const base = { rules, base: stage, paths: ['/users/a'], rps: 5, durationS: 4 };

    expect(predictSampled(base).low).toBe(8);
    expect(predictSampled({ ...base, sharedFirstSecond: true }).low).toBe(6);
  });
});

describe('invoke URLs', () => {
  it('reads the API id and stage from AWS, Host-style local and path-style local URLs', () => {
    expect(parseInvokeUrl('https://abcde12345.execute-api.eu-west-1.amazonaws.com/prod')).toEqual({ apiId: 'abcde12345', stage: 'prod' });
    expect(parseInvokeUrl('http://abcde12345.execute-api.localhost:4566/dev/')).toEqual({ apiId: 'abcde12345', stage: 'dev' });
    expect(parseInvokeUrl('http://127.0.0.1:4566/_aws/execute-api/abcde12345/prod')).toEqual({ apiId: 'abcde12345', stage: 'prod' });
    expect(parseInvokeUrl('http://example.com/prod')).toBeUndefined();
  });

  it('takes the newest recorded invokeUrl from the state', () => {
    const rec = (url?: string) => ({ step: 's', type: RESOURCE_TYPES.restApi, id: 'i', region: 'us-east-1', createdAt: '', runId: '', status: 'created' as const, ...(url ? { extra: { invokeUrl: url } } : {}) });
    const doc = { schemaVersion: 1, target: 'local' as const, accountId: '0', region: 'us-east-1', createdAt: '', updatedAt: '', steps: {}, resources: [rec('http://a/prod'), rec(), rec('http://b/prod')] };

    expect(invokeUrlFromState(doc)).toBe('http://b/prod');
    expect(invokeUrlFromState({ ...doc, resources: [rec()] })).toBeUndefined();
  });
});
