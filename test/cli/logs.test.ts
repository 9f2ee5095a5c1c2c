/** `xray-lab logs` against the function's log group on an in-process local cloud. */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { spawn } from 'node:child_process';
import { describe, expect } from 'vitest';
import { invocationsOf } from '../../src/cli/commands/logs.js';
import { REPO_ROOT, CLI_COMMAND } from '../support/cli.js';
import { clientConfig } from '../support/local-cloud.js';
import { labStackTest } from '../support/fixtures.js';

const invokeWith = (lambda: LambdaClient, path: string, traceHeader?: string) => {
  const cmd = new InvokeCommand({ FunctionName: 'user-service', Payload: Buffer.from(JSON.stringify({ httpMethod: 'GET', path })) });
  if (traceHeader) cmd.middlewareStack.add((next) => (args) => {
    (args.request as { headers: Record<string, string> }).headers['x-amzn-trace-id'] = traceHeader;
    return next(args);
  }, { step: 'build' });
  return lambda.send(cmd);
};

/** `invoke`: the function, called through a Lambda client on the stack's cloud (closed after the file). */
const it = labStackTest.extend<{ invoke: (path: string, traceHeader?: string) => ReturnType<typeof invokeWith> }>({
  invoke: [
    async ({ stack }, use) => {
      const lambda = new LambdaClient(clientConfig(stack.cloud));
      await use((path, traceHeader) => invokeWith(lambda, path, traceHeader));
      lambda.destroy();
    },
    { scope: 'file' },
  ],
});

describe('logs', () => {
  it('prints START/END/REPORT lines and each sampled invocation\'s trace id', async ({ stack, box, invoke }) => {
    const root = '1-6a000000-0123456789abcdef01234567';
    await invoke('/users/user123', `Root=${root};Sampled=1`);
    await invoke('/users/nonexistent');

    const json = await box.run(['logs', '--endpoint-url', stack.cloud.endpoint, '--since', '1h', '--json']);
    const human = await box.run(['logs', '--endpoint-url', stack.cloud.endpoint]);

    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.logGroup).toBe('/aws/lambda/user-service');
    const messages = out.events.map((e: { message: string }) => e.message).join('');
    expect(messages).toMatch(/START RequestId: /);
    expect(messages).toMatch(/REPORT RequestId: /);
    // A nodejs22.x function on AWS never sees the SDK's "upgrade to Node 22" warning, whatever Node runs this machine.
    expect(messages).not.toContain('NodeVersionSupportWarning');
    expect(out.invocations).toHaveLength(2);
    expect(out.invocations.map((i: { traceId?: string }) => i.traceId)).toContain(root);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z \S+ START RequestId: /m);
    expect(human.stdout).toContain(`XRAY TraceId: ${root}`);
  }, 30_000);

  it('--follow prints events as they arrive and ends cleanly on Ctrl-C', async ({ stack, box, invoke }) => {
    const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), 'logs', '--follow', '--since', '1s', '--endpoint-url', stack.cloud.endpoint], {
      cwd: REPO_ROOT, env: box.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const seen = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // One whole invocation (an earlier test's END/REPORT may arrive first, its START being older than --since).
      if (/START RequestId: (\S+)[\s\S]*REPORT RequestId: \1/.test(stdout)) resolve();
    }));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    await new Promise<void>((resolve) => child.stderr.on('data', () => /Following/.test(stderr) && resolve()));

    await invoke('/users/user456');
    await seen;
    child.kill('SIGINT');

    expect(await closed).toBe(0);
    expect(stdout).toMatch(/START RequestId: /);
  }, 30_000);

  it('rejects a bad --since and names a missing log group with exit 2', async ({ stack, box }) => {
    const bad = await box.run(['logs', '--endpoint-url', stack.cloud.endpoint, '--since', 'yesterday']);
    const missing = await box.run(['logs', '--endpoint-url', stack.cloud.endpoint, '--function', 'nope']);

    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since takes a span like 10m/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no log group \/aws\/lambda\/nope/);
  }, 30_000);
});

describe('invocationsOf', () => {
  it('reads request id, duration and trace id from REPORT lines, and no trace id when unsampled', () => {
    const lines = [
      'START RequestId: a Version: $LATEST\n',
      'REPORT RequestId: a\tDuration: 12.50 ms\tBilled Duration: 13 ms\nXRAY TraceId: 1-abc-def\tSegmentId: 1\tSampled: true\n',
      'REPORT RequestId: b\tDuration: 3 ms\n',
    ];

    expect(invocationsOf(lines)).toEqual([{ requestId: 'a', traceId: '1-abc-def', durationMs: 12.5 }, { requestId: 'b', durationMs: 3 }]);
  });
});
