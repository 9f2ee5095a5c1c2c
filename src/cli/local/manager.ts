/**
 * Runs the local cloud in the foreground, or as a detached background process that a later
 * `local stop` ends. The background child is this same CLI with `local start --foreground`; it
 * writes the pid file once it listens, which is what the parent waits for.
 */
import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { LabError, UserError } from '../../lab/errors.js';
import type { LocalCloudConfig } from '../../lab/config.js';
import { isProcessAlive } from '../../lab/lock.js';
import type { IO } from '../../lab/io.js';
import { fetchHealth, logFilePath, probe, readPidFile, removePidFile, writePidFile, type LocalCloudInfo } from './pidfile.js';

export const READY_DEADLINE_MS = 30_000;
export const STOP_GRACE_MS = 5_000;

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function logTail(file: string, lines = 5): Promise<string> {
  try {
    const text = (await readFile(file, 'utf8')).trim().split('\n').slice(-lines).join(' | ');
    return text ? ` Last log lines: ${text}` : '';
  } catch {
    return '';
  }
}

/** Starts the local cloud in the background unless it already runs; resolves once it answers health checks. */
export async function startBackground(cfg: LocalCloudConfig, io: IO): Promise<{ info: LocalCloudInfo; alreadyRunning: boolean }> {
  const live = await probe(cfg.dataDir);
  if (live.state === 'running') return { info: live.info, alreadyRunning: true };
  if (live.state === 'unresponsive') {
    throw new LabError(`A local cloud process (pid ${live.info.pid}) exists but does not answer at ${live.info.endpoint}; run \`xray-lab local stop\` and try again.`);
  }
  if (live.state === 'stale') await removePidFile(cfg.dataDir, live.info.pid);

  await mkdir(cfg.dataDir, { recursive: true, mode: 0o700 });
  const logFile = logFilePath(cfg.dataDir);
  const log = await open(logFile, 'a', 0o600);
  const task = io.task(`Starting the local cloud on port ${cfg.port}`);
  // Re-run this very CLI (same node flags, e.g. a TypeScript loader) in foreground mode.
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'local', 'start', '--foreground', '--port', String(cfg.port), '--daemon-port', String(cfg.daemonPort), '--otlp-port', cfg.otlpPort === false ? 'off' : String(cfg.otlpPort), '--otlp-grpc-port', cfg.otlpGrpcPort === false ? 'off' : String(cfg.otlpGrpcPort)], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, XRAY_LAB_DATA_DIR: cfg.dataDir },
  });
  await log.close();
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  child.unref();

  const deadline = Date.now() + READY_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      task.fail();
      throw new LabError(`The local cloud exited during start-up (exit code ${exited}); see ${logFile}.${await logTail(logFile)}`);
    }
    const info = await readPidFile(cfg.dataDir);
    if (info && info.pid === child.pid && (await fetchHealth(info.endpoint))) {
      task.succeed(`Local cloud running at ${info.endpoint} (pid ${info.pid})`);
      return { info, alreadyRunning: false };
    }
    await delay(100);
  }
  task.fail();
  if (child.pid) process.kill(child.pid, 'SIGKILL');
  throw new LabError(`The local cloud did not become ready within ${READY_DEADLINE_MS / 1000} s; see ${logFile}.${await logTail(logFile)}`);
}

/** Runs the local cloud in this process until SIGINT/SIGTERM. */
export async function runForeground(cfg: LocalCloudConfig, io: IO): Promise<void> {
  const live = await probe(cfg.dataDir);
  if (live.state === 'running' || live.state === 'unresponsive') {
    throw new UserError(`The local cloud for ${cfg.dataDir} is already running (pid ${live.info.pid}, ${live.info.endpoint}).`);
  }
  const faults = cfg.faults;
  const lambda = cfg.lambda;
  const { startLocalCloud, LocalCloudStartError } = await import('../../local/server.js');
  let cloud;
  try {
    cloud = await startLocalCloud({ port: cfg.port, daemonPort: cfg.daemonPort, otlpPort: cfg.otlpPort, otlpGrpcPort: cfg.otlpGrpcPort, host: cfg.host, dataDir: cfg.dataDir, faults, lambda });
  } catch (e) {
    if (e instanceof LocalCloudStartError) throw new UserError(e.message);
    throw e;
  }
  const info: LocalCloudInfo = {
    pid: process.pid,
    endpoint: cloud.endpoint,
    port: cloud.port,
    dataDir: cfg.dataDir,
    daemonAddress: cloud.daemonAddress,
    listeners: cloud.listeners,
    startedAt: new Date().toISOString(),
    logFile: logFilePath(cfg.dataDir),
  };
  // Before the pid file, which tells a background `local start` the cloud is ready: the notice is in the log by then.
  if (lambda.maxEnvironments) {
    io.warn(`XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS=${lambda.maxEnvironments}: a function gets at most ${lambda.maxEnvironments} execution environments and further invocations queue (not AWS's behaviour; traces show the wait as "Local queue").`);
  }
  await writePidFile(info);
  io.info(`Local cloud listening at ${cloud.endpoint} (pid ${process.pid}, data in ${cfg.dataDir}). Press Ctrl-C to stop.`);
  if (Object.keys(faults).length > 0) io.warn(`Simulating AWS behaviour from XRAY_LAB_LOCAL_FAULTS: ${JSON.stringify(faults)}.`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.info(`Stopping the local cloud (${signal}).`);
  await cloud.close();
  await removePidFile(cfg.dataDir, process.pid);
}

export type StopOutcome = 'stopped' | 'killed' | 'not-running' | 'stale-pid-file';

export async function stopLocalCloud(cfg: LocalCloudConfig): Promise<{ outcome: StopOutcome; pid?: number }> {
  const live = await probe(cfg.dataDir);
  if (live.state === 'stopped') return { outcome: 'not-running' };
  if (live.state === 'stale') {
    await removePidFile(cfg.dataDir, live.info.pid);
    return { outcome: 'stale-pid-file', pid: live.info.pid };
  }
  const { pid } = live.info;
  process.kill(pid, 'SIGTERM');
  for (const end = Date.now() + STOP_GRACE_MS; Date.now() < end; ) {
    if (!isProcessAlive(pid)) {
      await removePidFile(cfg.dataDir, pid);
      return { outcome: 'stopped', pid };
    }
    await delay(100);
  }
  process.kill(pid, 'SIGKILL');
  await removePidFile(cfg.dataDir, pid);
  return { outcome: 'killed', pid };
}
