/**
 * The lab as a learner runs it on the local target: `setup`, `load --requests 200` (8 connections), then
 * `traces analyze --json`. The time must go to the handler's own work (user_processing), not to the local
 * Lambda's plumbing, and the report must say what cold starts and throttles the run really had.
 */
import { describe, expect } from 'vitest';
import { localCliTest as it } from '../support/fixtures.js';

interface Report {
  entries: { name: string; nodeType: string; meanSelfMs: number }[];
  dominant: { name: string } | null;
  platform: { coldStarts: { count: number; meanInitMs: number }; throttled: { count: number }; localQueue: { count: number }; notes: string[] };
}

describe('the lab run on the local target', () => {
  it('setup + load --requests 200 at 8 connections: traces analyze names user_processing and states the cold starts', async ({ box: sb }) => {
    const setup = await sb.run(['setup', '--yes', '--json']);
    expect(setup.code, setup.stderr).toBe(0);

    const load = await sb.run(['load', '--requests', '200', '--concurrency', '8', '--yes', '--json']);
    expect(load.code, load.stderr).toBe(0);
    expect(JSON.parse(load.stdout).sent).toBe(200);

    const r = await sb.run(['traces', 'analyze', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = (JSON.parse(r.stdout) as { Report: Report }).Report;
    expect(report.entries[0]!.name).toBe('user_processing');
    expect(report.dominant?.name).toBe('user_processing');
    // At 8 connections there is no throttling; at most one cold start per connection, and the report says how many.
    expect(report.platform.throttled.count).toBe(0);
    expect(report.platform.localQueue.count).toBe(0); // the opt-in queue is off by default
    expect(report.platform.coldStarts.count).toBeLessThanOrEqual(8);
    if (report.platform.coldStarts.count > 0) expect(report.platform.notes[0]).toMatch(/^\d+ cold starts? added \d+ ms/);
    const lambdaService = report.entries.find((e) => e.nodeType === 'AWS::Lambda');
    expect(lambdaService?.meanSelfMs ?? 0).toBeLessThan(report.entries[0]!.meanSelfMs);
  }, 240_000);
});
