/** moto's server (`python3 -m moto.server`) as a comparison emulator; undefined when moto is not installed. */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { stopChild } from './proc.js';

export interface MotoServer {
  endpoint: string;
  pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startMoto(deadlineMs = 30_000): Promise<MotoServer | undefined> {
  if (spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const endpoint = `http://127.0.0.1:${port}`;
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`moto exited early (${child.exitCode})`);
    try {
      await (await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) })).arrayBuffer();
      return { endpoint, pid: child.pid!, stop: () => stopChild(child) };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stopChild(child);
  throw new Error(`moto did not start within ${deadlineMs} ms`);
}
