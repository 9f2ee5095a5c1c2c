/** `local start|stop|status`: the embedded local cloud as a background (or foreground) process. */
import { resolveLocalConfig } from '../../lab/config.js';
import { createIO } from '../io-terminal.js';
import { runForeground, startBackground, stopLocalCloud } from '../local/manager.js';
import { probe } from '../local/pidfile.js';

export interface LocalFlags {
  port?: string;
  daemonPort?: string;
  otlpPort?: string;
  foreground?: boolean;
  json?: boolean;
}

export async function localStartCommand(flags: LocalFlags): Promise<void> {
  const cfg = resolveLocalConfig(process.env, flags.port, flags.daemonPort, flags.otlpPort);
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
    const listeners = info.listeners ?? [];
    io.result(
      { running: true, endpoint: info.endpoint, pid: info.pid, dataDir: info.dataDir, ...(info.daemonAddress ? { daemonAddress: info.daemonAddress } : {}), listeners, logFile: info.logFile, startedAt: info.startedAt },
      [`Local cloud running at ${info.endpoint} (pid ${info.pid}, data in ${info.dataDir}).`, ...listeners.map((l) => `  ${l.protocol} ${l.address}:${l.port}  ${l.serves}`)].join('\n'),
    );
    return;
  }
  const detail = live.state === 'unresponsive' ? `process ${live.info.pid} exists but does not answer` : undefined;
  io.result({ running: false, dataDir: cfg.dataDir, ...(detail ? { detail } : {}) }, `The local cloud is not running${detail ? ` (${detail})` : ''}.`);
}
