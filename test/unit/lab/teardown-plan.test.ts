import { describe, expect, it } from 'vitest';
import { planTeardown } from '../../../src/lab/teardown-plan.js';
import type { ResourceRecord } from '../../../src/lab/state-types.js';
import type { ResourceType } from '../../../src/lab/resource-types.js';

// Some cases use made-up types: a state file can hold types this version does not know.
const r = (step: string, type: string, id: string, extra?: Record<string, unknown>): ResourceRecord => ({
  step,
  type: type as ResourceType,
  id,
  region: 'us-east-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  runId: 'run',
  status: 'created',
  ...(extra ? { extra } : {}),
});

const ids = (plan: ResourceRecord[]) => plan.map((x) => x.id);
const ORDER = ['sampling-rules', 'user-table', 'function', 'api'];

describe('planTeardown', () => {
  it('deletes later steps first and, within a step, newest first', () => {
    const resources = [
      r('sampling-rules', 'xray:SamplingRule', 'rule-a'),
      r('sampling-rules', 'xray:SamplingRule', 'rule-b'),
      r('user-table', 'dynamodb:Table', 'UserProfiles'),
    ];

    expect(ids(planTeardown(resources, ORDER))).toEqual(['UserProfiles', 'rule-b', 'rule-a']);
  });

  it('orders by step position even when records were written out of step order', () => {
    const resources = [r('user-table', 'dynamodb:Table', 'T'), r('sampling-rules', 'xray:SamplingRule', 'rule')];

    expect(ids(planTeardown(resources, ORDER))).toEqual(['T', 'rule']);
  });

  it('never deletes a resource before the resources that depend on it', () => {
    // The role is recorded after the function here, yet the function runs as the role.
    const resources = [
      r('function', 'lambda:Function', 'user-service', { dependsOn: ['iam:Role/XRayLambdaRole'] }),
      r('function', 'iam:Role', 'XRayLambdaRole'),
    ];

    expect(ids(planTeardown(resources, ORDER))).toEqual(['user-service', 'XRayLambdaRole']);
  });

  it('deletes resources of unknown steps first', () => {
    const resources = [r('sampling-rules', 'xray:SamplingRule', 'rule'), r('future-step', 'x:Thing', 'thing')];

    expect(ids(planTeardown(resources, ORDER))).toEqual(['thing', 'rule']);
  });

  it('rejects a dependency cycle', () => {
    const resources = [r('api', 'a:A', 'a', { dependsOn: ['b:B/b'] }), r('api', 'b:B', 'b', { dependsOn: ['a:A/a'] })];

    expect(() => planTeardown(resources, ORDER)).toThrow(/cycle/);
  });

  it('plans nothing for an empty state', () => {
    expect(planTeardown([], ORDER)).toEqual([]);
  });
});
