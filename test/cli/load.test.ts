/**
 * `xray-lab load` as a child process against the lab's stack on an in-process local cloud (real Lambda
 * processes, real API Gateway data plane, real sockets).
 */
import { spawn } from 'node:child_process';
import { describe, expect } from 'vitest';
import { REPO_ROOT, CLI_COMMAND } from '../support/cli.js';
import { labStackTest as it } from '../support/fixtures.js';
import type { LabStack } from '../support/lab-stack.js';
import { TEST_CREDENTIALS_ENV } from '../support/local-cloud.js';

const AWS_ENV = TEST_CREDENTIALS_ENV;

const target = (stack: LabStack) => ['--url', stack.url, '--endpoint-url', stack.cloud.endpoint];

describe('load against the local stack', () => {
  it('--requests 200 --json sends exactly 200 requests, sees 200s and 404s, and predicts the traced count from the stage rule', async ({ stack, box }) => {
    const r = await box.run(['load', ...target(stack), '--requests', '200', '--concurrency', '8', '--json']);

    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sent).toBe(200);
    expect(out.byStatus['200']).toBeGreaterThan(0);
    expect(out.byStatus['404']).toBeGreaterThan(0);
    expect(out.byStatus['200'] + out.byStatus['404']).toBe(200);
    expect(out.errors).toBe(0);
    expect(Object.keys(out.latencyMs).sort()).toEqual(['max', 'p50', 'p90', 'p99']);
    expect(out.latencyMs.p50).toBeGreaterThan(0);
    expect(out.warmup).toMatchObject({ sent: 12, byStatus: { '200': 11, '404': 1 }, errors: 0 });
    expect(out.stage).toEqual({ apiId: stack.apiId, name: 'user-api/prod', tracingEnabled: true });
    expect(out.expectedSampled.rules).toEqual([{ ruleName: 'xray-lab-user-api-prod', reservoirSize: 2, fixedRate: 0.5, share: 1 }]);
    expect(out.expectedSampled.low).toBeLessThan(out.expectedSampled.high);
    expect(out.expectedSampled.low).toBeGreaterThan(50);
    // The local stage samples with the same rule module the prediction uses: the count must fall in the band.
    expect(out.sampled).toBeGreaterThanOrEqual(out.expectedSampled.low);
    expect(out.sampled).toBeLessThanOrEqual(out.expectedSampled.high);
    expect(out.sampledAsExpected).toBe(true);
  }, 60_000);

  it('--rate keeps its schedule within 5 % over 10 s', async ({ stack, box }) => {
    const r = await box.run(['load', ...target(stack), '--rate', '20', '--duration', '10s', '--no-warmup', '--json']);

    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sent).toBe(200);
    // Open loop: starts follow the clock whatever the responses do, so the started rate is the schedule's.
    expect(Math.abs(out.schedule.offeredRps - 20)).toBeLessThanOrEqual(1);
    expect(out.durationS).toBeGreaterThanOrEqual(9.5);
    expect(out.errors).toBe(0);
    // Without a terminal, progress is plain lines on stderr.
    expect(r.stderr).toMatch(/^load \d+% t=.* sent=\d+/m);
  }, 30_000);

  it('prints the human summary with statuses, percentiles and the traced line', async ({ stack, box }) => {
    const r = await box.run(['load', ...target(stack), '--requests', '20', '--concurrency', '4', '--no-warmup']);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^20 requests in [\d.]+ s \([\d.]+ req\/s completed, [\d.]+ req\/s started\) to http/m);
    expect(r.stdout).toMatch(/^Status: (200|404) ×\d+/m);
    expect(r.stdout).toMatch(/^Latency: p50 .* · p90 .* · p99 .* · max /m);
    expect(r.stdout).toMatch(/^Transport errors: 0$/m);
    expect(r.stdout).toMatch(/^Traced: \d+ of 20 — rules predict [\d.]+ \(\d+–\d+\)/m);
  }, 30_000);

  it('Ctrl-C mid-run stops sending and still prints the summary', async ({ stack, box }) => {
    const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), 'load', ...target(stack), '--rate', '10', '--duration', '60', '--json'], {
      cwd: REPO_ROOT, env: box.env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const running = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/sent=[1-9]/.test(stderr)) resolve();
    }));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));

    await running;
    child.kill('SIGINT');
    const code = await closed;

    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.aborted).toBe(true);
    expect(out.sent).toBeGreaterThan(0);
    expect(out.sent).toBeLessThan(600);
    expect(out.byStatus).toBeTypeOf('object');
  }, 30_000);
});

describe('load refuses bad input with exit 2', () => {
  it.for([
    [['--rate', '0'], /--rate.*invalid.*above 0/s],
    [['--duration', '-1'], /--duration.*invalid.*duration/s],
    [['--requests', '1.5'], /--requests.*whole number/s],
    [['--users', 'a,,b'], /--users.*comma-separated/s],
    [['--bogus'], /unknown option '--bogus'/],
    [['--rate', '2', '--concurrency', '3'], /--rate and --concurrency/],
  ] as [string[], RegExp][])('%j', { timeout: 20_000 }, async ([args, message], { box }) => {
    const r = await box.run(['load', '--url', 'http://127.0.0.1:9/prod', ...args]);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('says how to get an API when none is recorded and no --url is given', async ({ stack, box }) => {
    const r = await box.run(['load', '--endpoint-url', stack.cloud.endpoint]);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No API is recorded for the local cloud .*`xray-lab setup`.*--url/s);
  }, 20_000);
});

describe('load on the aws target guards the bill', () => {
  const aws = (stack: LabStack) => ['--target', 'aws', '--region', 'us-east-1', ...target(stack)];

  it('refuses a rate above the safe default unless --i-know-the-cost', async ({ stack, box }) => {
    const r = await box.run(['load', ...aws(stack), '--rate', '50', '--duration', '5', '--yes'], AWS_ENV);

    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--rate 50 is above the 5 requests\/s .* --i-know-the-cost/s);
  }, 20_000);

  it('refuses an unbounded closed loop and too many requests', async ({ stack, box }) => {
    const open = await box.run(['load', ...aws(stack), '--concurrency', '2', '--yes'], AWS_ENV);
    const many = await box.run(['load', ...aws(stack), '--rate', '5', '--duration', '10m', '--yes'], AWS_ENV);

    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/no upper bound .* --requests/s);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/up to 3000 requests, above the 2000/);
  }, 30_000);

  it('shows the estimated cost, then needs --yes without a terminal', async ({ stack, box }) => {
    const noYes = await box.run(['load', ...aws(stack), '--requests', '5', '--no-warmup'], AWS_ENV);
    const yes = await box.run(['load', ...aws(stack), '--requests', '5', '--no-warmup', '--yes', '--json'], AWS_ENV);

    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/Estimated AWS cost of 5 requests .*\$0\.0/);
    expect(noYes.stderr).toMatch(/pass --yes to confirm/);
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.stdout).sent).toBe(5);
  }, 30_000);
});
