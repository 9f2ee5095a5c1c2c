/**
 * Launches moto's server (a real, independent AWS emulator) for the aws-target code path, so that
 * path is exercised against something other than our own local cloud.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';

/** Fixed dummy credentials; tests scan outputs and files for the secret to prove it never leaks. */
export const MOTO_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAMOTOTESTKEY00000',
  AWS_SECRET_ACCESS_KEY: 'moto-dummy-secret-do-not-leak-7f3a9c',
};

export function motoAvailable(): boolean {
  return spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
}

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

/** An SDK client's configuration for a running moto: its endpoint and the dummy credentials. */
export function motoClientConfig(moto: Moto) {
  return {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  };
}

export async function startMoto(deadlineMs = 30_000): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`moto exited early (${child.exitCode}): ${stderr}`);
    try {
      // moto's dashboard answers once the server is up.
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return { endpoint, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`moto did not start within ${deadlineMs} ms: ${stderr}`);
}
