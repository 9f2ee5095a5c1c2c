/** Step 5 through the runner against the lab's stack: it reads the recorded invoke URL and records nothing. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../src/lab/clients.js';
import { resolveConfig } from '../../src/lab/config.js';
import { systemClock, type LabContext } from '../../src/lab/context.js';
import { RecordingIO } from '../../src/lab/io.js';
import { runSteps } from '../../src/lab/runner.js';
import { StateStore } from '../../src/lab/state.js';
import { parseInvokeUrl } from '../../src/lab/load/invoke-url.js';
import { RESOURCE_TYPES } from '../../src/lab/resource-types.js';
import { API_STEP_ID } from '../../steps/user-api.js';
import { loadStep } from '../../steps/load.js';
import { TEST_CREDENTIALS } from '../support/local-cloud.js';
import { startLabStack, type LabStack } from '../support/lab-stack.js';

let stack: LabStack;
let dir: string;

beforeAll(async () => {
  stack = await startLabStack();
  dir = await mkdtemp(join(tmpdir(), 'xray-lab-step5-'));
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

async function context(io: RecordingIO, withApi: boolean): Promise<LabContext> {
  const state = await StateStore.open({ dir, target: 'local', accountId: stack.cloud.env.accountId, region: 'us-east-1', command: 'test' });
  // What step 4 writes: the REST API's record, carrying the stage's invoke URL.
  const apiId = parseInvokeUrl(stack.url)!.apiId;
  await state.remove({ step: API_STEP_ID, type: RESOURCE_TYPES.restApi, id: apiId });
  if (withApi) {
    await state.markStepDone(API_STEP_ID, 'test-run');
    await state.record({
      step: API_STEP_ID, type: RESOURCE_TYPES.restApi, id: apiId, name: 'user-api', region: 'us-east-1', createdAt: new Date().toISOString(), runId: 'r', status: 'created',
      extra: { invokeUrl: stack.url },
    });
  }
  const clients = createClients({ region: 'us-east-1', endpoint: stack.cloud.endpoint, credentials: TEST_CREDENTIALS });
  return {
    config: resolveConfig({ endpointUrl: stack.cloud.endpoint, stateDir: dir }), target: 'local', region: 'us-east-1',
    accountId: stack.cloud.env.accountId, clients, state, io, clock: systemClock, signal: new AbortController().signal, runId: 'test-run',
  };
}

describe('step 5', () => {
  it('sends the guide\'s test requests and a short load to the recorded stage, recording no resource', async () => {
    const io = new RecordingIO();
    const ctx = await context(io, true);
    const before = ctx.state.resources().length;

    try {
      const [run] = await runSteps(ctx, [loadStep], [loadStep]);

      expect(run!.outcome.details).toMatchObject({ url: stack.url, warmup: { sent: 12, byStatus: { '200': 11, '404': 1 } }, errors: 0 });
      expect((run!.outcome.details as { sent: number }).sent).toBeGreaterThanOrEqual(12 + 39);
      expect(run!.outcome.summary).toMatch(/Sent the guide's 12 test requests and \d+ more at 2 req\/s/);
      expect(ctx.state.resources()).toHaveLength(before);
      expect(ctx.state.isStepDone('load')).toBe(true);
    } finally {
      await ctx.state.close();
      ctx.clients.destroy();
    }
  }, 60_000);

  it('names the missing API step when no invoke URL is recorded', async () => {
    const ctx = await context(new RecordingIO(), false);

    try {
      await expect(runSteps(ctx, [loadStep], [loadStep])).rejects.toThrow(/^Step 5 \(Test requests and load\) needs/);
    } finally {
      await ctx.state.close();
      ctx.clients.destroy();
    }
  });
});
