import { describe, it, expect } from 'vitest';
import { expectedSampled } from '../../../src/lab/load/sampling-estimate.js';
import { estimateAwsCost } from '../../../src/lab/load/cost.js';

describe('expectedSampled', () => {
  it('takes the reservoir each second, then the fixed rate, with a binomial bound', () => {
    // 10 rps for 60 s under the Default rule (1/s + 5 %): 60 + 540·0.05 = 87
    const p = expectedSampled({ rps: 10, durationS: 60, reservoir: 1, fixedRate: 0.05 });
    expect(p.requests).toBe(600);
    expect(p.fromReservoir).toBe(60);
    expect(p.fromRate).toBeCloseTo(27, 10);
    expect(p.expected).toBeCloseTo(87, 10);
    expect(p.stdDev).toBeCloseTo(Math.sqrt(540 * 0.05 * 0.95), 10);
    expect(p.low).toBe(Math.floor(87 - 1.96 * p.stdDev));
    expect(p.high).toBe(Math.ceil(87 + 1.96 * p.stdDev + 0.95));
  });

  it('traces everything when the rate stays inside the reservoir, and handles a partial last second', () => {
    const p = expectedSampled({ rps: 2, durationS: 2.5, reservoir: 5, fixedRate: 0.1 });
    expect(p.expected).toBe(5);
    expect(p.stdDev).toBe(0);
    expect(p.high).toBe(5);
  });

  it('rejects a rate outside [0, 1]', () => {
    expect(() => expectedSampled({ rps: 1, durationS: 1, reservoir: 1, fixedRate: 2 })).toThrow(RangeError);
  });
});

describe('estimateAwsCost', () => {
  it('itemises a million requests at list prices with the X-Ray free tier', () => {
    const e = estimateAwsCost({ requests: 1_000_000, tracesRecorded: 150_000, tracesRetrieved: 500_000 });
    const cost = Object.fromEntries(e.items.map((i) => [`${i.service}/${i.item.split(' ').slice(0, 2).join(' ')}`, i.costUsd]));
    expect(cost['API Gateway/REST API']).toBeCloseTo(3.5, 10);
    expect(cost['Lambda/invocations']).toBeCloseTo(0.2, 10);
    expect(cost['Lambda/compute at']).toBeCloseTo(12_500 * 0.0000166667, 10); // 1M × 0.1 s × 0.125 GB
    expect(cost['DynamoDB/on-demand reads']).toBeCloseTo(0.0625, 10); // 1M eventually consistent reads = 500k RRU × $0.125/M
    expect(cost['X-Ray/traces recorded']).toBeCloseTo(0.25, 10); // 50k billable × $5/M
    expect(e.items.at(-1)!.billable).toBe(0);
    expect(e.totalUsd).toBeCloseTo(3.5 + 0.2 + 0.20833375 + 0.0625 + 0.25, 6);
  });

  it('uses the measured Lambda duration, rounded up to the billing millisecond', () => {
    const e = estimateAwsCost({ requests: 1000, tracesRecorded: 0, tracesRetrieved: 0, lambdaDurationMs: 120.2 });
    const compute = e.items.find((i) => i.unit === 'GB-s')!;
    expect(compute.quantity).toBeCloseTo(1000 * 0.121 * 0.125, 10);
    expect(compute.item).toContain('121 ms');
  });
});
