/** Test support: an app as a real child process, started with its own environment, that prints `LISTENING <port>`. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildApp {
  url: string;
  /** Everything the app wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves when the app's output contains `text` (the SDKs' debug logs say when rules were fetched). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function startChildApp(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildApp> {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) if (out.includes(w.text)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const waitFor = (text: string, timeoutMs = 20_000) => new Promise<void>((resolve, reject) => {
    if (out.includes(text)) return resolve();
    const timer = setTimeout(() => reject(new Error(`The app did not print "${text}" within ${timeoutMs} ms. Output:\n${out}`)), timeoutMs);
    waiters.push({ text, resolve: () => { clearTimeout(timer); resolve(); } });
    child.once('exit', (code) => reject(new Error(`The app exited (${code}) before printing "${text}". Output:\n${out}`)));
  });
  return waitFor('LISTENING ').then(() => ({
    url: `http://127.0.0.1:${/LISTENING (\d+)/.exec(out)![1]}`,
    output: () => out,
    waitFor,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  }));
}
