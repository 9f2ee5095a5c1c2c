/**
 * The shipped artifact, not the source: build the zip, unpack it with safeExtractZip into a directory
 * outside the repo (so no node_modules is reachable), and run it in a plain Node process in Lambda mode
 * against dynalite, with a real UDP socket as the X-Ray daemon.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandlerZip } from '../../src/lab/packaging.js';
import { safeExtractZip } from '../../src/local/core/safe-zip.js';
import {
  type Dynamo,
  functionEnv,
  lastJsonLine,
  runNode,
  seedUserProfiles,
  startDaemon,
  startDynalite,
  TRACE_HEADER,
  TRACE_PARENT,
  TRACE_ROOT,
  USER_123,
} from './handler-harness.js';

const RUN_HANDLER = `
const { handler } = require(process.cwd() + '/index.js');
handler(JSON.parse(process.argv[1])).then((r) => process.stdout.write(JSON.stringify(r) + '\\n'));
`;

describe('the bundled user-service zip', () => {
  let dynamo: Dynamo;
  let taskRoot: string;

  beforeAll(async () => {
    dynamo = await startDynalite();
    await seedUserProfiles(dynamo.endpoint);
    const { zip } = await buildHandlerZip();
    taskRoot = await mkdtemp(join(tmpdir(), 'xray-lab-task-'));
    await safeExtractZip(zip, join(taskRoot, 'task'));
    taskRoot = join(taskRoot, 'task');
  });
  afterAll(async () => {
    await dynamo?.close();
    if (taskRoot) await rm(join(taskRoot, '..'), { recursive: true, force: true });
  });

  it('runs standalone in Lambda mode: 200 with the user and traced subsegments', async () => {
    const daemon = await startDaemon();
    try {
      const child = await runNode(['-e', RUN_HANDLER, JSON.stringify({ httpMethod: 'GET', path: '/users/user123' })], {
        cwd: taskRoot,
        env: functionEnv({
          AWS_ENDPOINT_URL: dynamo.endpoint,
          LAMBDA_TASK_ROOT: taskRoot,
          _X_AMZN_TRACE_ID: TRACE_HEADER,
          AWS_XRAY_DAEMON_ADDRESS: daemon.address,
          SIMULATED_WORK_MS: '0',
        }),
      });
      const docs = await daemon.waitFor(2);

      expect(child.code, child.stderr).toBe(0);
      const result = lastJsonLine<{ statusCode: number; body: string }>(child.stdout);
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual(USER_123);
      const processing = docs.find((d) => d.name === 'user_processing');
      const call = docs.find((d) => d.name === 'DynamoDB');
      expect(processing).toMatchObject({ trace_id: TRACE_ROOT, parent_id: TRACE_PARENT, annotations: { user_found: true } });
      expect(call).toMatchObject({ parent_id: processing?.id, aws: { operation: 'GetItem', table_name: 'UserProfiles' } });
    } finally {
      await daemon.close();
    }
  });

  it('answers 404 for an unknown user when run without any trace context', async () => {
    const child = await runNode(['-e', RUN_HANDLER, JSON.stringify({ httpMethod: 'GET', path: '/users/nobody' })], {
      cwd: taskRoot,
      env: functionEnv({ AWS_ENDPOINT_URL: dynamo.endpoint, SIMULATED_WORK_MS: '0' }),
    });

    expect(child.code, child.stderr).toBe(0);
    expect(lastJsonLine<{ statusCode: number }>(child.stdout).statusCode).toBe(404);
  });
});
