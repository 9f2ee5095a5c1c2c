/**
 * Bad-input catalogue, the CLI's own edges (issue 13, item 6): output piped into a reader that goes
 * away, a state file that was lost while the lab's tagged resources live on, and temp files an
 * interrupted run left behind. (The lock race has its own file: lock-race.test.ts.)
 */
import { spawn } from 'node:child_process';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_COMMAND, makeSandbox, REPO_ROOT, type Sandbox } from '../support/cli.js';
import { inventory, sandboxEndpoint } from './support.js';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

/** Runs the CLI with its stdout closed before it writes anything: every write it makes fails with EPIPE. */
function runWithClosedStdout(sb: Sandbox, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), ...args], { cwd: REPO_ROOT, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** A shell pipeline, as a learner types it; `pipefail` makes its status the CLI's own. */
function shell(sb: Sandbox, line: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', line], { cwd: REPO_ROOT, env: sb.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bad-input catalogue: the CLI at its edges', () => {
  let sb: Sandbox;
  let endpoint: string;
  let traceId: string;

  beforeAll(async () => {
    sb = await makeSandbox();
    const setup = await sb.run(['setup', '--json']);
    if (setup.code !== 0) throw new Error(setup.stderr);
    endpoint = await sandboxEndpoint(sb);
    const invoked = await sb.run(['invoke', '--json']);
    if (invoked.code !== 0) throw new Error(invoked.stderr);
    traceId = /1-[0-9a-f]{8}-[0-9a-f]{24}/.exec(invoked.stdout)?.[0] ?? '';
    if (!traceId) throw new Error(`no trace id in ${invoked.stdout}`);
  }, 180_000);
  afterAll(async () => {
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  // Every command that writes to stdout, read-only ones and the idempotent setup/step; teardown is below.
  const COMMANDS: string[][] = [
    ['--help'], ['--version'], ['guide', '--help'],
    ['status'], ['status', '--json'], ['setup', '--json'], ['step', '1', '--json'],
    ['invoke', '--json'], ['logs', '--json'], ['doctor', '--json'], ['local', 'status', '--json'],
    ['traces', 'list', '--json'], ['traces', 'map', '--json'], ['traces', 'analyze', '--json'], ['traces', 'show', '{trace}', '--json'],
    ['load', '--requests', '3', '--no-warmup', '--json'],
  ];

  it.each(COMMANDS.map((c) => [c.join(' '), c] as const))('%s, its stdout closed by the reader: exits 0 or 141 without a stack trace', async (_name, args) => {
    const before = await inventory(endpoint);

    const r = await runWithClosedStdout(sb, args.map((a) => a.replace('{trace}', traceId)));

    expect([0, 141], r.stderr).toContain(r.code);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).not.toContain('EPIPE');
    expect(await inventory(endpoint)).toEqual(before);
  }, 60_000);

  it('`traces list --json | head -c 100` ends quietly with the pipeline reporting 0 or 141', async () => {
    const r = await shell(sb, `${CLI_COMMAND.map((a) => `'${a}'`).join(' ')} traces list --json --since 1h | head -c 100`);

    expect([0, 141], r.stderr).toContain(r.code);
    expect(r.stdout.length).toBeLessThanOrEqual(100);
    expect(r.stderr).not.toMatch(STACK_LINE);
  }, 60_000);

  it('leftover temp files of a dead run are removed at the next start; a live writer keeps its own', async () => {
    // Arrange: a write cut short by a process that is gone, and one by a process that is alive (this one).
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.once('exit', () => resolve(child.pid!));
    });
    const stateName = (await readdir(sb.stateDir)).find((f) => f.endsWith('.json'))!;
    const dead = `${stateName}.tmp-${gone}-0a1b2c`;
    const live = `${stateName}.tmp-${process.pid}-3d4e5f`;
    const draft = `${stateName}.lock.draft-${gone}-6a7b`;
    for (const f of [dead, live, draft]) await writeFile(join(sb.stateDir, f), '{"half": ');

    // Act
    const r = await sb.run(['status']);

    // Assert
    expect(r.code, r.stderr).toBe(0);
    const left = await readdir(sb.stateDir);
    expect(left).not.toContain(dead);
    expect(left).not.toContain(draft);
    expect(left).toContain(live);
  });

  it('lost state: setup names the earlier run and points to teardown --discover; that, then setup, recovers', async () => {
    // Arrange: the state file set aside (as a corrupt one is), the lab's tagged resources still there.
    const before = await inventory(endpoint);
    const stateName = (await readdir(sb.stateDir)).find((f) => f.endsWith('.json'))!;
    const statePath = join(sb.stateDir, stateName);
    const recorded = JSON.parse(await readFile(statePath, 'utf8')) as { resources: unknown[] };
    expect(recorded.resources.length).toBeGreaterThan(0);
    await rename(statePath, `${statePath}.corrupt-test`);

    // Act 1: setup without the state.
    const refused = await sb.run(['setup']);

    // Assert 1: exit 2, one sentence naming the earlier run and the way out, nothing changed.
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('from an earlier xray-lab run (xray-lab:run=');
    expect(refused.stderr).toContain('teardown --discover');
    expect(refused.stderr).not.toContain('was not created by xray-lab');
    expect(refused.stderr).not.toMatch(STACK_LINE);
    expect(await inventory(endpoint)).toEqual(before);

    // Act 2: the advice, followed — with its stdout closed too, so teardown is on the EPIPE list.
    const teardown = await runWithClosedStdout(sb, ['teardown', '--discover', '--yes', '--json']);
    expect([0, 141], teardown.stderr).toContain(teardown.code);
    expect(teardown.stderr).not.toMatch(STACK_LINE);
    const again = await sb.run(['setup', '--json']);

    // Assert 2: the lab is back, recorded in a fresh state file (the function's log group returns with its first invocation).
    expect(again.code, again.stderr).toBe(0);
    const withoutLogs = (names: string[]) => names.filter((n) => !n.startsWith('log-group '));
    expect(withoutLogs(await inventory(endpoint))).toEqual(withoutLogs(before));
    const fresh = JSON.parse(await readFile(statePath, 'utf8')) as { resources: unknown[] };
    expect(fresh.resources.length).toBe(recorded.resources.length);
  }, 240_000);
});
