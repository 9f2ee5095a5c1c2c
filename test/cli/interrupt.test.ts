import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox, CLI_COMMAND } from '../support/cli.js';
import { MOTO_CREDENTIALS } from '../support/moto.js';

describe('Ctrl-C', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await makeSandbox();
  });
  afterAll(async () => {
    await sb.dispose();
  });

  it('interrupts a command waiting on AWS with exit 130 and no stack trace', async () => {
    // An endpoint that accepts the connection and never answers: the CLI is stuck until interrupted.
    const sockets: Socket[] = [];
    let connected!: () => void;
    const gotConnection = new Promise<void>((r) => (connected = r));
    const blackhole = createServer((s) => {
      sockets.push(s);
      connected();
    });
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(blackhole.address() as { port: number }).port}`;
    const child = spawn(CLI_COMMAND[0]!, [...CLI_COMMAND.slice(1), 'status', '--target', 'aws', '--endpoint-url', endpoint], {
      env: { ...sb.env, ...MOTO_CREDENTIALS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((r) => child.once('close', r));

    await gotConnection;
    child.kill('SIGINT');
    const code = await exit;
    for (const s of sockets) s.destroy();
    blackhole.close();

    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupt/i);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
