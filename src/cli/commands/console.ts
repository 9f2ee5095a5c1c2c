/**
 * `xray-lab console`: the X-Ray console's map, traces and timelines in the browser, served by a
 * loopback server (src/console/server) that reads X-Ray with the same session as `xray-lab traces`,
 * so it works on both targets. Runs until Ctrl-C; opens the browser only on a desktop.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CommonFlags } from '../../lab/config.js';
import { UserError } from '../../lab/errors.js';
import { stateFileName } from '../../lab/state.js';
import { readLabPage } from '../../console/server/lab-page.js';
import { startConsoleServer, type ConsoleServer } from '../../console/server/server.js';
import { accountOf, clientsFor } from '../session.js';
import { openQuerySession } from './traces/common.js';

export interface ConsoleFlags extends CommonFlags {
  port?: string;
  /** commander's `--no-open` sets this to false. */
  open?: boolean;
}

export function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 65_535) throw new UserError(`--port takes a port number from 0 to 65535 (0 = any free port), got "${text}".`);
  return n;
}

/** A desktop to open a browser on: macOS, Windows, or a Linux session with a display; never CI or a pipe. */
export function hasDesktop(env: NodeJS.ProcessEnv = process.env, platform = process.platform, tty = Boolean(process.stdout.isTTY)): boolean {
  if (env.CI || !tty) return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  // No browser opener is fine: the URL is printed.
  child.on('error', () => {});
  child.unref();
}

async function listen(start: () => Promise<ConsoleServer>, port: number): Promise<ConsoleServer> {
  try {
    return await start();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError(`Port ${port} is already in use: pick another with --port, or leave --port out to use a free one.`);
    throw e;
  }
}

export async function consoleCommand(flags: ConsoleFlags): Promise<void> {
  const port = parsePort(flags.port);
  const s = await openQuerySession({ ...flags, wait: '0' });
  try {
    const { config } = s;
    // The lab page reads the state file of this target, account and region (the account is STS's answer).
    const clients = clientsFor(config, config.endpoint);
    let stateFile: string | undefined;
    try {
      stateFile = join(config.stateDir, stateFileName(config.target, await accountOf(clients, config, s.signal), config.region));
    } catch (e) {
      s.io.warn(`The lab page will show no resources: ${(e as Error).message}`);
    } finally {
      clients.destroy();
    }
    const server = await listen(
      () =>
        startConsoleServer({
          port,
          source: { xray: s.xray, target: config.target, region: config.region, lab: () => readLabPage({ target: config.target, region: config.region, stateFile }) },
        }),
      port,
    );
    try {
      s.io.result({ url: server.url }, `xray-lab console: ${server.url}\n(loopback only; the link carries this run's token. Ctrl-C to stop.)`);
      if (flags.open !== false && !config.json && hasDesktop()) openBrowser(server.url);
      if (!s.signal.aborted) await new Promise((r) => s.signal.addEventListener('abort', r, { once: true }));
    } finally {
      await server.close();
    }
  } finally {
    s.close();
  }
}
