/**
 * The crash-injection matrix's one case: `setup` SIGKILLed at a kill point (XRAY_LAB_CRASH_AT, see
 * src/lab/crash-point.ts), then teardown must leave nothing, and a fresh setup must make exactly one of
 * each resource; a last teardown empties the sandbox's cloud for the next case. A resume case runs setup
 * again straight after the kill instead, so what the killed run made must be adopted, not duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { inventory, sandboxEndpoint } from './support.js';

/** What one complete setup of steps 1-4 leaves in the local cloud. */
export const FULL_SETUP = [
  'api user-api',
  'function user-service',
  'role XRayLambdaRole',
  'rule xray-lab-high-priority-service',
  'rule xray-lab-user-api-prod',
  'table UserProfiles',
];

/*
 * The n-th AWS call of each step in a fresh setup (local target):
 *   sampling-rules: 1 GetSamplingRules, 2-3 CreateSamplingRule
 *   user-table:     1 DescribeTable, 2 CreateTable, 3 DescribeTable (ACTIVE), 4 PutItem
 *   user-function:  1 GetFunction, 2 GetRole, 3 CreateRole, 4 PutRolePolicy, 5 CreateFunction, 6 GetFunction (Active)
 *   user-api:       1 CreateRestApi, 2 GetResources, 3-4 CreateResource, 5 PutMethod, 6 PutIntegration,
 *                   7 GetPolicy, 8 AddPermission, 9 CreateDeployment, 10 UpdateStage
 * Kill points sit on the creates (before the call, after the service acted but before the answer was
 * read, after it was read but unseen), on the waits, and between a step's return and its "done" mark.
 */
export const KILL_POINTS_A = [
  'sampling-rules:2:mid',
  'sampling-rules:done',
  'user-table:2:mid',
  'user-table:3:mid',
  'user-table:done',
  'user-function:3:mid',
  'user-function:4:mid',
];

export const KILL_POINTS_B = [
  'user-function:5:mid',
  'user-function:done',
  'user-api:1:mid',
  'user-api:3:mid',
  'user-api:8:mid',
  'user-api:10:mid',
  'user-api:done',
];

/** Resumed without a teardown in between: the next setup must adopt what the killed one made. */
export const RESUME_POINTS_A = ['sampling-rules:2:before', 'sampling-rules:3:after', 'user-table:2:after', 'user-table:4:mid'];
export const RESUME_POINTS_B = ['user-function:5:before', 'user-function:5:after', 'user-api:1:after', 'user-api:9:mid'];

export async function crashCase(sb: Sandbox, endpoint: string, point: string): Promise<void> {
  // Killed, not finished: a point that is never reached would test nothing.
  const killed = await sb.run(['setup'], { XRAY_LAB_CRASH_AT: point });
  expect(killed.code, `${point} was not reached: ${killed.stderr}`).toBeNull();

  const first = await sb.run(['teardown', '--yes']);
  expect(first.code, first.stderr).toBe(0);
  expect(await inventory(endpoint), `left behind after ${point} and teardown`).toEqual([]);

  const again = await sb.run(['setup']);
  expect(again.code, again.stderr).toBe(0);
  expect(withoutLogGroups(await inventory(endpoint)), `second setup after ${point}`).toEqual(FULL_SETUP);

  const last = await sb.run(['teardown', '--yes']);
  expect(last.code, last.stderr).toBe(0);
  expect(await inventory(endpoint)).toEqual([]);
}

export async function resumeCase(sb: Sandbox, endpoint: string, point: string): Promise<void> {
  const killed = await sb.run(['setup'], { XRAY_LAB_CRASH_AT: point });
  expect(killed.code, `${point} was not reached: ${killed.stderr}`).toBeNull();

  const again = await sb.run(['setup']);
  expect(again.code, again.stderr).toBe(0);
  expect(withoutLogGroups(await inventory(endpoint)), `setup resumed after ${point}`).toEqual(FULL_SETUP);

  const last = await sb.run(['teardown', '--yes']);
  expect(last.code, last.stderr).toBe(0);
  expect(await inventory(endpoint), `left behind after ${point}, setup and teardown`).toEqual([]);
}

/** Lambda makes the function's log group on its first invoke; setup may or may not have invoked it. */
function withoutLogGroups(items: string[]): string[] {
  return items.filter((i) => !i.startsWith('log-group '));
}

/**
 * The matrix as a suite: one sandbox and one background cloud, kill points in turn. Two test files call it
 * with halves of the points so vitest runs the halves in parallel.
 */
export function defineCrashSuite(killPoints: readonly string[], resumePoints: readonly string[]): void {
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

    it.each(killPoints)('%s, then teardown', (point) => crashCase(sb, endpoint, point), 120_000);
    it.each(resumePoints)('%s, then setup again', (point) => resumeCase(sb, endpoint, point), 120_000);
  });
}
