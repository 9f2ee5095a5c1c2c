/** `local start|stop|status`: the embedded local cloud as a background (or foreground) process. */
import { resolveLocalConfig } from '../../lab/config.js';
import { createIO } from '../io-terminal.js';
import { runForeground, startBackground, stopLocalCloud } from '../local/manager.js';
import { probe } from '../local/pidfile.js';
import { databaseDiskBytes } from '../../local/core/db-files.js';

export interface LocalFlags {
  port?: string;
  daemonPort?: string;
  otlpPort?: string;
  otlpGrpcPort?: string;
  foreground?: boolean;
  json?: boolean;
}

export async function localStartCommand(flags: LocalFlags): Promise<void> {
  const cfg = resolveLocalConfig(process.env, flags.port, flags.daemonPort, flags.otlpPort, flags.otlpGrpcPort);
  const io = createIO(flags.json ?? false);
  if (flags.foreground) {
    // Everything the cloud process writes (LevelDB files, function code, logs) is the user's alone.
    process.umask(0o077);
    return runForeground(cfg, io);
  }
  const { info, alreadyRunning } = await startBackground(cfg, io);
  io.result(
    { running: true, alreadyRunning, endpoint: info.endpoint, pid: info.pid, dataDir: info.dataDir, logFile: info.logFile, ...(info.daemonAddress ? { daemonAddress: info.daemonAddress } : {}) },
    `Local cloud ${alreadyRunning ? 'already running' : 'started'} at ${info.endpoint} (pid ${info.pid}); log: ${info.logFile}`,
  );
}

export async function localStopCommand(flags: LocalFlags): Promise<void> {
  const cfg = resolveLocalConfig(process.env);
  const io = createIO(flags.json ?? false);
  const { outcome, pid } = await stopLocalCloud(cfg);
  const text: Record<typeof outcome, string> = {
    stopped: `Local cloud stopped (pid ${pid}).`,
    killed: `Local cloud did not stop in time and was killed (pid ${pid}).`,
    'not-running': 'The local cloud is not running.',
    'stale-pid-file': `The local cloud was not running (removed a stale pid file for pid ${pid}).`,
  };
  io.result({ outcome, ...(pid ? { pid } : {}) }, text[outcome]);
}

export async function localStatusCommand(flags: LocalFlags): Promise<void> {
  const cfg = resolveLocalConfig(process.env);
  const io = createIO(flags.json ?? false);
  const live = await probe(cfg.dataDir);
  if (live.state === 'running') {
    const { info } = live;
    const xray = live.health.xray;
    const listeners = info.listeners ?? [];
    io.result(
      {
        running: true, endpoint: info.endpoint, pid: info.pid, dataDir: info.dataDir, ...(info.daemonAddress ? { daemonAddress: info.daemonAddress } : {}), listeners, logFile: info.logFile, startedAt: info.startedAt,
        ...(xray ? { xray } : {}),
      },
      [
        `Local cloud running at ${info.endpoint} (pid ${info.pid}, data in ${info.dataDir}).${xray ? ` ${storeLine(xray)}` : ''}`,
        ...listeners.map((l) => `  ${l.protocol} ${l.address}:${l.port}  ${l.serves}`),
      ].join('\n'),
    );
    return;
  }
  const detail = live.state === 'unresponsive' ? `process ${live.info.pid} exists but does not answer` : undefined;
  // Stopped: the size on disk is still known; the trace count needs the running store.
  const diskBytes = databaseDiskBytes(cfg.dataDir);
  io.result(
    { running: false, dataDir: cfg.dataDir, xray: { diskBytes }, ...(detail ? { detail } : {}) },
    `The local cloud is not running${detail ? ` (${detail})` : ''}. Its database takes ${formatBytes(diskBytes)} on disk.`,
  );
}

function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`;
}

function storeLine(x: { traces: number; diskBytes: number }): string {
  return `X-Ray store: ${x.traces.toLocaleString('en-US')} traces, database ${formatBytes(x.diskBytes)} on disk.`;
}
