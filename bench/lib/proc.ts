/** Child processes for benchmarks: timed runs, the built CLI in a sandbox, the AWS CLI v2. */
import { execFileSync, type ChildProcess } from 'node:child_process';
// The spawn-and-collect helper is shared with the tests (one home for child processes).
import { runChild } from '../../test/support/child.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './result.js';

const CLI_BIN = join(REPO_ROOT, 'bin', 'xray-lab.js');

export interface Timed {
  code: number | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/** Wall time from spawn to exit, measured by the parent (what a user waits for). */
export async function timedRun(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Timed> {
  const { code, ms, stdout, stderr } = await runChild(cmd, args, { env, cwd: REPO_ROOT, timeoutMs });
  return { code, ms, stdout, stderr };
}

export interface CliSandbox {
  root: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv, timeoutMs?: number): Promise<Timed>;
  dispose(): void;
}

/** Isolated HOME, state and data dirs; port 0 so the local cloud never collides with a user's. */
export function cliSandbox(): CliSandbox {
  const root = mkdtempSync(join(tmpdir(), 'xray-lab-bench-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(root, 'home'),
    XRAY_LAB_STATE_DIR: join(root, 'state'),
    XRAY_LAB_DATA_DIR: join(root, 'data'),
    XRAY_LAB_LOCAL_PORT: '0',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
  };
  return {
    root,
    env,
    run: (args, extraEnv = {}, timeoutMs) => timedRun(process.execPath, [CLI_BIN, ...args], { ...env, ...extraEnv }, timeoutMs),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The AWS CLI v2 binary (an `aws` earlier on PATH may be the Python v1). */
export function findAwsCliV2(): string | undefined {
  for (const bin of ['/usr/bin/aws', '/usr/local/bin/aws']) {
    if (!existsSync(bin)) continue;
    try {
      if (execFileSync(bin, ['--version'], { encoding: 'utf8' }).startsWith('aws-cli/2')) return bin;
    } catch {
      // not runnable: try the next one
    }
  }
  return undefined;
}

/** Stops a child we started and waits for it to exit (SIGKILL after a grace period). */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** User + system CPU time (ms) a process has used so far, from /proc; null where /proc is missing. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th, in clock ticks.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux the project runs on (sysconf is not reachable from Node). */
const CLOCK_TICKS_PER_S = 100;

/** Direct children of a process (every thread's list), from /proc; empty where /proc is missing. */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** CPU (ms) a process and its children used between `start()` and the returned `stop()`; null without /proc. */
export function cpuOfTree(pid: number): { stop(): { self: number; children: number } | null } {
  const before = new Map<number, number>();
  for (const p of [pid, ...childPids(pid)]) before.set(p, cpuMs(p) ?? 0);
  return {
    stop() {
      const self = cpuMs(pid);
      if (self === null) return null;
      // A child started meanwhile counts from zero; one that ended meanwhile is lost (none should, warm).
      const children = childPids(pid).reduce((sum, p) => sum + (cpuMs(p) ?? 0) - (before.get(p) ?? 0), 0);
      return { self: self - (before.get(pid) ?? 0), children };
    },
  };
}
