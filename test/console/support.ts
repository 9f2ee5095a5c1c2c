/**
 * What the console tests share: Debian's Chromium driven by playwright-core (which downloads no browser),
 * `xray-lab console` started as a real child process (its `--json` line gives the URL), and a folder
 * for screenshots (gitignored test artifacts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium as launch } from '../support/browser.js';
import { CLI_COMMAND, REPO_ROOT } from '../support/cli.js';

export { waitForExpression } from '../support/browser.js';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'console');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return launch();
}

export const artifact = (name: string): string => join(ARTIFACTS, name);

export interface ConsoleProcess {
  url: string;
  /** Origin without the token, e.g. http://127.0.0.1:41234 */
  origin: string;
  stderr(): string;
  stop(): Promise<void>;
}

/** `xray-lab console --json --no-open …` until it prints `{url}`; stopped with SIGINT, as Ctrl-C would. */
export function startConsoleCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ConsoleProcess> {
  const child: ChildProcess = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), 'console', '--json', '--no-open', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`xray-lab console printed no URL within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`xray-lab console exited (${code}) before printing its URL: ${stderr}`));
    });
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      try {
        const { url } = JSON.parse(stdout) as { url: string };
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ url, origin: new URL(url).origin, stderr: () => stderr, stop });
      } catch {
        // Not the whole document yet.
      }
    });
  });
}
