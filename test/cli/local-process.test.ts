import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';

describe('local cloud process management', () => {
  let sb: Sandbox;
  let blocker: Server;
  let takenPort: number;
  beforeAll(async () => {
    sb = await makeSandbox();
    blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    takenPort = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    blocker.close();
    await sb.run(['local', 'stop']);
    await sb.dispose();
  });

  it('a taken port fails the start with a clear error that names the log file', async () => {
    const r = await sb.run(['local', 'start', '--port', String(takenPort)]);

    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Port ${takenPort} on 127.0.0.1 is already in use`);
    expect(r.stderr).toContain(join(sb.dataDir, 'local-cloud.log'));
  });

  it('a pid file left by a dead process counts as not running and is cleaned up by stop', async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    await mkdir(sb.dataDir, { recursive: true });
    await writeFile(join(sb.dataDir, 'local-cloud.pid'), JSON.stringify({ pid: dead, endpoint: 'http://127.0.0.1:9', port: 9, dataDir: sb.dataDir, startedAt: 'x', logFile: 'x' }));

    const status = await sb.run(['local', 'status', '--json']);
    const stop = await sb.run(['local', 'stop', '--json']);

    expect(JSON.parse(status.stdout).running).toBe(false);
    expect(JSON.parse(stop.stdout)).toEqual({ outcome: 'stale-pid-file', pid: dead });
  });

  it('start is idempotent: a second start reports the running instance', async () => {
    const first = await sb.run(['local', 'start', '--json']);
    const second = await sb.run(['local', 'start', '--json']);

    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout);
    const b = JSON.parse(second.stdout);
    expect(a.alreadyRunning).toBe(false);
    expect(b).toMatchObject({ alreadyRunning: true, pid: a.pid, endpoint: a.endpoint });
    expect((await fetch(`${a.endpoint}/_xray-lab/health`)).status).toBe(200);
  });

  it('status lists every listener: the API, the daemon\'s UDP and TCP sides on one port, and OTLP', async () => {
    await sb.run(['local', 'start', '--json']);

    const r = await sb.run(['local', 'status', '--json']);
    const text = await sb.run(['local', 'status']);

    expect(r.code, r.stderr).toBe(0);
    const listeners = (JSON.parse(r.stdout) as { listeners: { name: string; protocol: string; address: string; port: number }[] }).listeners;
    expect(listeners.map((l) => `${l.name}/${l.protocol}`)).toEqual(['api/tcp', 'xray-daemon-udp/udp', 'xray-daemon-tcp/tcp', 'otlp-http/tcp', 'otlp-grpc/tcp']);
    expect(listeners.every((l) => l.address === '127.0.0.1' && l.port > 0)).toBe(true);
    expect(listeners[1]!.port).toBe(listeners[2]!.port);
    expect(text.stdout).toMatch(/tcp 127\.0\.0\.1:\d+ {2}OTLP\/HTTP traces, unsigned: POST \/v1\/traces/);
    expect(text.stdout).toMatch(/tcp 127\.0\.0\.1:\d+ {2}OTLP\/gRPC traces, unsigned: TraceService\/Export/);
  });
});
