/** Step 5 through the runner against the lab's stack: it reads the recorded invoke URL and records nothing. */
import { describe, expect } from 'vitest';
import type { LabContext } from '../../src/lab/context.js';
import { RecordingIO } from '../../src/lab/io.js';
import { runSteps } from '../../src/lab/runner.js';
import { parseInvokeUrl } from '../../src/lab/load/invoke-url.js';
import { RESOURCE_TYPES } from '../../src/lab/resource-types.js';
import { API_STEP_ID } from '../../steps/user-api.js';
import { loadStep } from '../../steps/load.js';
import { stackLabTest as it } from '../support/fixtures.js';
import type { LabFixture } from '../support/lab-context.js';
import type { LabStack } from '../support/lab-stack.js';

/** The test's lab context, with the record step 4 writes when `withApi` (the REST API's, carrying the stage's invoke URL). */
async function context(stack: LabStack, lab: LabFixture, io: RecordingIO, withApi: boolean): Promise<LabContext> {
  if (withApi) {
    await lab.state.markStepDone(API_STEP_ID, 'test-run');
    await lab.state.record({
      step: API_STEP_ID, type: RESOURCE_TYPES.restApi, id: parseInvokeUrl(stack.url)!.apiId, name: 'user-api', region: 'us-east-1', createdAt: new Date().toISOString(), runId: 'r', status: 'created',
      extra: { invokeUrl: stack.url },
    });
  }
  return lab.context({ io });
}

describe('step 5', () => {
  it('sends the guide\'s test requests and a short load to the recorded stage, recording no resource', async ({ stack, lab }) => {
    const io = new RecordingIO();
    const ctx = await context(stack, lab, io, true);
    const before = ctx.state.resources().length;

    const [run] = await runSteps(ctx, [loadStep], [loadStep]);

    expect(run!.outcome.details).toMatchObject({ url: stack.url, warmup: { sent: 12, byStatus: { '200': 11, '404': 1 } }, errors: 0 });
    expect((run!.outcome.details as { sent: number }).sent).toBeGreaterThanOrEqual(12 + 39);
    expect(run!.outcome.summary).toMatch(/Sent the guide's 12 test requests and \d+ more at 2 req\/s/);
    expect(ctx.state.resources()).toHaveLength(before);
    expect(ctx.state.isStepDone('load')).toBe(true);
  }, 60_000);

  it('names the missing API step when no invoke URL is recorded', async ({ stack, lab }) => {
    const ctx = await context(stack, lab, new RecordingIO(), false);

    await expect(runSteps(ctx, [loadStep], [loadStep])).rejects.toThrow(/^Step 5 \(Test requests and load\) needs/);
  });
});
