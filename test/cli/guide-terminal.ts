/**
 * Test support for the guide: a real terminal (a private tmux server, 120×40), driven with send-keys
 * and read with capture-pane; plus a parser for the `$ aws …` commands the guide prints and a runner
 * that executes that exact shell text with bash and the real AWS CLI v2.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_COMMAND, REPO_ROOT } from '../support/cli.js';
import { awsCliV2 } from '../support/awscli.js';

const exec = promisify(execFile);
let sessions = 0;
const open = new Set<Terminal>();

export class Terminal {
  private constructor(
    private readonly socket: string,
    private readonly dir: string,
  ) {}

  /** Starts `xray-lab <args>` in a fresh tmux server; after the CLI exits the pane shows `[exit N]`. */
  static async start(args: string[], env: NodeJS.ProcessEnv): Promise<Terminal> {
    const dir = mkdtempSync(join(tmpdir(), 'xray-lab-tmux-'));
    const socket = `xray-lab-guide-${process.pid}-${++sessions}`;
    const exports = Object.entries({ ...env, TERM: 'xterm-256color' })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `export ${k}=${shq(String(v))}`);
    const cli = [...CLI_COMMAND, ...args].map(shq).join(' ');
    writeFileSync(join(dir, 'run.sh'), [`cd ${shq(REPO_ROOT)}`, 'unset CI', ...exports, cli, 'echo "[exit $?]"', 'exec sleep 600', ''].join('\n'));
    writeFileSync(join(dir, 'tmux.conf'), 'set -g history-limit 100000\n');
    await exec('tmux', ['-L', socket, '-f', join(dir, 'tmux.conf'), 'new-session', '-d', '-x', '120', '-y', '40', 'bash', join(dir, 'run.sh')]);
    const t = new Terminal(socket, dir);
    open.add(t);
    return t;
  }

  /** Closes every terminal still open (a failed test may leave one), and the AWS CLI PATH dir. */
  static async closeAll(): Promise<void> {
    await Promise.all([...open].map((t) => t.close()));
    if (awsBinDir) rmSync(awsBinDir, { recursive: true, force: true });
    awsBinDir = undefined;
  }

  /** Everything the terminal has shown, wrapped lines joined (-J), trailing spaces removed. */
  async screen(): Promise<string> {
    const { stdout } = await exec('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-']);
    return stdout
      .split('\n')
      .map((l) => l.trimEnd())
      .join('\n');
  }

  /** Polls the screen until `pattern` has matched `times` times; fails with the screen after the deadline. */
  async waitFor(pattern: RegExp, { times = 1, timeoutMs = 45_000 } = {}): Promise<string> {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if ([...text.matchAll(re)].length >= times) return text;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern} (×${times}). Screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async keys(...keys: string[]): Promise<void> {
    await exec('tmux', ['-L', this.socket, 'send-keys', ...keys]);
  }

  /** Waits for the CLI to exit and returns its status. */
  async exitCode(timeoutMs = 45_000): Promise<number> {
    const text = await this.waitFor(/^\[exit (\d+)\]$/m, { timeoutMs });
    return Number(/^\[exit (\d+)\]$/m.exec(text)![1]);
  }

  async close(): Promise<void> {
    open.delete(this);
    await exec('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface ShownCommand {
  /** The lab step whose part of the screen it was on (0: outside any step, e.g. the intro). */
  step: number;
  /** The section it was shown under, e.g. "Do it yourself" or "Check it yourself". */
  section: string;
  /** The shell text exactly as shown (continuation lines included). */
  text: string;
}

const SECTIONS = /^ {2}(What it teaches|Do it yourself|Where the lab guide goes wrong|Result|Details|Check it yourself|See it in the browser)\b|^── /;

/** Every `$ …` command line on the screen, with its ` \` continuation lines, tagged with its step and section. */
export function shownCommands(screen: string): ShownCommand[] {
  const lines = screen.split('\n');
  const out: ShownCommand[] = [];
  let section = '';
  let step = 0;
  for (let i = 0; i < lines.length; i++) {
    const s = SECTIONS.exec(lines[i]);
    if (s) section = s[1] ?? '';
    if (lines[i].startsWith('── ')) step = Number(/^── Step (\d+) of \d+/.exec(lines[i])?.[1] ?? 0);
    const m = /^ {2}\$ (.*)$/.exec(lines[i]);
    if (!m) continue;
    const parts = [m[1]];
    while (parts[parts.length - 1].endsWith('\\') && i + 1 < lines.length) parts.push(lines[++i]);
    out.push({ step, section, text: parts.join('\n') });
  }
  return out;
}

/** The commands of one step and section, the first time each was shown (a screen may show them twice). */
export function commandsOf(shown: readonly ShownCommand[], step: number, section: string): string[] {
  return [...new Set(shown.filter((c) => c.step === step && c.section === section).map((c) => c.text))];
}

export interface ShellResult {
  status: number;
  stdout: string;
  stderr: string;
}

let awsBinDir: string | undefined;

/** A PATH whose `aws` is the real AWS CLI v2 (an `aws` earlier on PATH may be v1). */
function pathWithAws(): string {
  if (!awsBinDir) {
    awsBinDir = mkdtempSync(join(tmpdir(), 'xray-lab-awsbin-'));
    symlinkSync(awsCliV2!, join(awsBinDir, 'aws'));
  }
  return `${awsBinDir}:${process.env.PATH ?? ''}`;
}

/**
 * Runs shown shell text with bash, as a learner pasting it would. No region or endpoint comes from the
 * environment: the command text must carry them.
 */
export function runShown(text: string): Promise<ShellResult> {
  return runBash(text);
}

/** Runs several shown commands in one bash (shell variables carry over), stopping at the first failure. */
export function runBlock(texts: readonly string[]): Promise<ShellResult> {
  return runBash(['set -e', ...texts].join('\n'));
}

function runBash(text: string): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', text], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: pathWithAws(),
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}
