/**
 * The local cloud as benchmarks run it: the built CLI's `local start` in its own process. The lab's stack on
 * it is test/support/lab-stack.ts's `startLabStack` (one home for tests and benchmarks), given
 * `startCloudProcess` and the benchmark function settings below.
 */
import { ensureBuilt } from '../../test/support/build.js';
import { startLabStack, type LabStack } from '../../test/support/lab-stack.js';
import { clientConfig } from '../../test/support/local-cloud.js';
import { cliSandbox, type CliSandbox } from './proc.js';

export const REGION = 'us-east-1';

/** SDK settings for a benchmark's clients: the tests' one set of local credentials. */
export function sdkConfig(endpoint: string) {
  return clientConfig({ endpoint }, REGION);
}

export interface RunningCloud {
  endpoint: string;
  pid: number;
  daemonAddress?: string;
  box: CliSandbox;
  close(): Promise<void>;
}

/**
 * `xray-lab local start` (built CLI) in a sandbox: the local cloud in its own process, as users run it.
 * Given a sandbox, starts on its data dir and leaves it in place on stop (a restart reopens the same store).
 * `env` reaches `local start` (e.g. XRAY_LAB_LAMBDA_CONCURRENCY).
 */
export async function startCloudProcess(reuse?: CliSandbox, env: NodeJS.ProcessEnv = {}): Promise<RunningCloud> {
  // The cloud runs from dist/: a stale build would benchmark old code.
  ensureBuilt(() => {});
  const box = reuse ?? cliSandbox();
  const dispose = () => reuse || box.dispose();
  const r = await box.run(['local', 'start', '--json'], env);
  if (r.code !== 0) {
    dispose();
    throw new Error(`local start exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  }
  const info = JSON.parse(r.stdout) as { endpoint: string; pid: number; daemonAddress?: string };
  return {
    ...info,
    box,
    async close() {
      await box.run(['local', 'stop', '--json']);
      dispose();
    },
  };
}

export const USERS = ['user123', 'user456', 'user789'];

/** The function's environment in benchmarks: no simulated work, so the figures are the stack's own cost. */
export const BENCH_FUNCTION_ENV = { SIMULATED_WORK_MS: '0' };

/**
 * The lab's stack on a local cloud process, with tracing on and the benchmarks' function settings; `handler`
 * replaces the default (X-Ray SDK) one, `cloudEnv` reaches `local start` (e.g. XRAY_LAB_LAMBDA_CONCURRENCY),
 * `functionEnv` is added to the function's.
 */
export function startBenchStack(opts: { handler?: { zip: Buffer; handler: string }; cloudEnv?: NodeJS.ProcessEnv; functionEnv?: Record<string, string> } = {}): Promise<LabStack<RunningCloud>> {
  return startLabStack({
    start: () => startCloudProcess(undefined, opts.cloudEnv ?? {}), handler: opts.handler,
    env: { ...BENCH_FUNCTION_ENV, ...opts.functionEnv }, users: USERS, rule: false,
  });
}
