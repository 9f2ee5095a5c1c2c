/**
 * A function whose process hangs past its timeout, or exits, is replaced: its caller gets Lambda's
 * error, the next invoke runs in a fresh process, the broken process is gone, and another function
 * keeps answering from its warm process all along. Spoken through the public Lambda API only.
 */
import { CreateFunctionCommand, InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { createRole, credentials, handlerZip } from '../local/lambda-fixtures.js';
import { withLocalCloud } from '../support/local-cloud.js';

// Answers with its pid, so a test can tell a warm process from a fresh one. The hang is a busy loop:
// a process that cannot even read a message, so only a kill ends it.
const HANDLER = `
exports.handler = async (event) => {
  if (event.hang) for (;;);
  if (event.exit) process.exit(3);
  return { pid: process.pid };
};`;

const decode = (out: InvokeCommandOutput) => JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) as Record<string, unknown>;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a hanging or exiting function is replaced without harming others', () => {
  let cloud: LocalCloud;
  let lambda: LambdaClient;
  const invoke = async (name: string, event: object = {}) => lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
  const pidOf = async (name: string) => {
    const out = await invoke(name);
    expect(out.FunctionError, Buffer.from(out.Payload ?? []).toString()).toBeUndefined();
    return decode(out).pid as number;
  };

  beforeAll(async () => {
    cloud = await withLocalCloud();
    lambda = new LambdaClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    const Role = await createRole(cloud.endpoint);
    const ZipFile = await handlerZip(HANDLER);
    for (const FunctionName of ['steady', 'hanger', 'quitter']) {
      await lambda.send(new CreateFunctionCommand({ FunctionName, Runtime: 'nodejs22.x', Role, Handler: 'index.handler', Timeout: 1, Code: { ZipFile } }));
    }
  });
  afterAll(async () => {
    lambda.destroy();
    await cloud.close();
  });

  it('times out the hanging one, reports the exit of the other, keeps the third warm, and runs both broken ones fresh next time', async () => {
    // Arrange: every function warm once.
    const steadyPid = await pidOf('steady');
    const hangerPid = await pidOf('hanger');
    const quitterPid = await pidOf('quitter');

    // Act: the hang and the exit run while the steady function is invoked again and again.
    const hung = invoke('hanger', { hang: true });
    const quit = invoke('quitter', { exit: true });
    const steadyMeanwhile: number[] = [];
    let hangSettled = false;
    void hung.finally(() => (hangSettled = true));
    while (!hangSettled) steadyMeanwhile.push(await pidOf('steady'));
    const [hangOut, quitOut] = await Promise.all([hung, quit]);
    const hangerNext = await pidOf('hanger');
    const quitterNext = await pidOf('quitter');

    // Assert: Lambda's own errors for each way of breaking.
    expect(hangOut.StatusCode).toBe(200);
    expect(hangOut.FunctionError).toBe('Unhandled');
    expect(decode(hangOut).errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
    expect(quitOut.FunctionError).toBe('Unhandled');
    expect(decode(quitOut)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('Runtime exited with error: exit status 3') });
    // The other function answered throughout, from the same warm process.
    expect(steadyMeanwhile.length).toBeGreaterThan(0);
    expect(new Set(steadyMeanwhile)).toEqual(new Set([steadyPid]));
    expect(await pidOf('steady')).toBe(steadyPid);
    // The broken ones run in fresh processes; the old ones are gone.
    expect(hangerNext).not.toBe(hangerPid);
    expect(quitterNext).not.toBe(quitterPid);
    expect(alive(hangerPid)).toBe(false);
    expect(alive(quitterPid)).toBe(false);
    expect(alive(hangerNext) && alive(quitterNext) && alive(steadyPid)).toBe(true);
  });
});
