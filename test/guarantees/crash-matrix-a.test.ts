/** Crash-injection matrix, part A (see crash-matrix.ts): one sandbox and one background cloud, kill points in turn. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';
import { crashCase, KILL_POINTS_A, RESUME_POINTS_A, resumeCase } from './crash-matrix.js';
import { sandboxEndpoint } from './support.js';

describe('setup killed at a kill point: teardown leaves nothing, a second setup makes one of each', () => {
  let sb: Sandbox;
  let endpoint: string;
  beforeAll(async () => {
    sb = await makeSandbox();
    const started = await sb.run(['local', 'start']);
    if (started.code !== 0) throw new Error(started.stderr);
    endpoint = await sandboxEndpoint(sb);
  });
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it.each(KILL_POINTS_A)('%s, then teardown', (point) => crashCase(sb, endpoint, point), 120_000);
  it.each(RESUME_POINTS_A)('%s, then setup again', (point) => resumeCase(sb, endpoint, point), 120_000);
});
