/** Starts a fixture server script as a child process and reads the port it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { stopChild } from './proc.js';

export interface ChildServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startChildServer(script: string, env: NodeJS.ProcessEnv = {}, args: string[] = [], nodeArgs: string[] = []): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\n/.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      const port = Number(m[1]);
      resolve({ url: `http://127.0.0.1:${port}`, port, child, stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited ${code} before printing its port: ${err.slice(0, 500)}`)));
  });
}
