/**
 * Runs the CLI as a real child process — the built `bin/xray-lab.js`, kept current by
 * test/global-setup.ts — in a sandbox: its own HOME, state dir and data dir, and a clean environment.
 */
import { runChild } from './child.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
/** The argv that starts the CLI: prepend it to the CLI's arguments. */
export const CLI_COMMAND: readonly string[] = [process.execPath, join(REPO_ROOT, 'bin', 'xray-lab.js')];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  root: string;
  home: string;
  stateDir: string;
  dataDir: string;
  /** The clean environment the CLI runs with; extend per call. */
  env: NodeJS.ProcessEnv;
  run(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliResult>;
  dispose(): Promise<void>;
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): Promise<CliResult> {
  const { code, stdout, stderr } = await runChild(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), ...args], { cwd, env });
  return { code, stdout, stderr };
}

export async function makeSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'xray-lab-cli-'));
  const home = join(root, 'home');
  const stateDir = join(root, 'state');
  const dataDir = join(root, 'data');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XRAY_LAB_STATE_DIR: stateDir,
    XRAY_LAB_DATA_DIR: dataDir,
    // Port 0: the local cloud picks a free port, so parallel test files never collide.
    XRAY_LAB_LOCAL_PORT: '0',
    XRAY_LAB_DAEMON_PORT: '0',
    // Even when a test names the API port (`local start --port n`), the OTLP receivers stay off 4317/4318.
    XRAY_LAB_OTLP_PORT: '0',
    XRAY_LAB_OTLP_GRPC_PORT: '0',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
  return {
    root,
    home,
    stateDir,
    dataDir,
    env,
    run: (args, extraEnv = {}) => runCli(args, { ...env, ...extraEnv }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
