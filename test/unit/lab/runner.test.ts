import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClients } from '../../../src/lab/clients.js';
import { resolveConfig } from '../../../src/lab/config.js';
import { systemClock, type LabContext, type LabStep } from '../../../src/lab/context.js';
import { UserError } from '../../../src/lab/errors.js';
import { RecordingIO } from '../../../src/lab/io.js';
import { findStep, runSteps } from '../../../src/lab/runner.js';
import { StateStore } from '../../../src/lab/state.js';
import { steps } from '../../../steps/index.js';

/** A later step that needs the table (step 2), to exercise the prerequisite rule with today's steps. */
const needsTable: LabStep = {
  id: 'needs-table',
  number: 9,
  title: 'Needs the table',
  requires: ['user-table'],
  run: async () => ({ summary: 'ran' }),
};

describe('runner prerequisites', () => {
  let dir: string;
  let ctx: LabContext;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xray-lab-runner-'));
    const state = await StateStore.open({ dir, target: 'local', accountId: '000000000000', region: 'us-east-1', command: 'test' });
    ctx = {
      config: resolveConfig({ stateDir: dir }, {}),
      target: 'local',
      region: 'us-east-1',
      accountId: '000000000000',
      clients: createClients({ region: 'us-east-1' }),
      state,
      io: new RecordingIO(),
      clock: systemClock,
      signal: new AbortController().signal,
      runId: 'run-1',
    };
  });
  afterEach(async () => {
    await ctx.state.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a step whose prerequisite is not done and names the step to run first', async () => {
    const all = [...steps, needsTable];

    const err = await runSteps(ctx, all, [needsTable]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain('needs step 2 (DynamoDB table and sample data) first');
    expect((err as UserError).hint).toContain('xray-lab step 2');
  });

  it('refuses again once teardown removed the prerequisite, and runs while it is done', async () => {
    const all = [...steps, needsTable];
    await ctx.state.markStepDone('user-table', 'run-0');
    const ran = await runSteps(ctx, all, [needsTable]);
    await ctx.state.record({ step: 'user-table', type: 'dynamodb:Table', id: 'UserProfiles', region: 'us-east-1', createdAt: 'x', runId: 'run-0', status: 'created' });

    await ctx.state.remove({ step: 'user-table', type: 'dynamodb:Table', id: 'UserProfiles' });

    expect(ran.map((r) => r.outcome.summary)).toEqual(['ran']);
    await expect(runSteps(ctx, all, [needsTable])).rejects.toThrow(/needs step 2/);
  });

  it('knows only the step numbers that exist', () => {
    expect(() => findStep(steps, 7)).toThrow(/no lab step 7; the steps available are 1, 2/);
  });
});
