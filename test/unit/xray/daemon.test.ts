import { describe, it, expect, afterEach } from 'vitest';
import { createSocket } from 'node:dgram';
import { parseDatagram, startDaemon, type Daemon } from '../../../src/local/xray/daemon.js';

const HEADER = '{"format":"json","version":1}\n';
const DOC = JSON.stringify({ id: 'a'.repeat(16), trace_id: '1-5f000000-0123456789abcdef01234567', name: 's', start_time: 1, end_time: 2 });

function send(port: number, payloads: (string | Buffer)[]): Promise<void> {
  const client = createSocket('udp4');
  return new Promise((resolve, reject) => {
    let left = payloads.length;
    for (const p of payloads) {
      client.send(p, port, '127.0.0.1', (err) => {
        if (err) {
          client.close();
          reject(err);
          return;
        }
        if (--left === 0) {
          client.close();
          resolve();
        }
      });
    }
  });
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('parseDatagram', () => {
  it('drops a body over 64 KB even when the transport could carry it', () => {
    const body = JSON.stringify({ pad: 'x'.repeat(64 * 1024) });
    expect(parseDatagram(Buffer.from(HEADER + body))).toBeUndefined();
    expect(parseDatagram(Buffer.from(HEADER + DOC))).toBe(DOC);
  });
});

describe('UDP daemon', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.close();
    daemon = undefined;
  });

  it('accepts documents with the header, in every accepted spelling, and hands them on in batches', async () => {
    const batches: string[][] = [];
    daemon = await startDaemon({ port: 0, onDocuments: (d) => batches.push(d), flushMs: 1000, batchSize: 3 });
    expect(daemon.address).toBe('127.0.0.1');
    expect(daemon.port).toBeGreaterThan(0);

    await send(daemon.port, [HEADER + DOC, '{"format": "json", "version": 1}\n' + DOC, '{"format":"JSON","version":1}\n' + DOC]);
    await until(() => batches.length === 1);

    expect(batches).toEqual([[DOC, DOC, DOC]]);
    expect(daemon.stats).toEqual({ received: 3, accepted: 3, dropped: 0, otlpSampled: 0, otlpUnsampled: 0 });
  });

  it('flushes a partial batch after the flush delay', async () => {
    const batches: string[][] = [];
    daemon = await startDaemon({ port: 0, onDocuments: (d) => batches.push(d), flushMs: 5 });
    await send(daemon.port, [HEADER + DOC]);
    await until(() => batches.length === 1);
    expect(batches).toEqual([[DOC]]);
  });

  it('drops garbage, bad headers, missing bodies and oversized documents without dying', async () => {
    const docs: string[] = [];
    daemon = await startDaemon({ port: 0, onDocuments: (d) => docs.push(...d), flushMs: 1 });

    await send(daemon.port, [
      'garbage', Buffer.from([0xff, 0xfe, 0x0a, 0x00]), '{"format":"json","version":2}\n' + DOC, '{"format":"xml","version":1}\n' + DOC,
      '{"version":1}\n' + DOC, HEADER, HEADER + 'not json at all', HEADER + '[1,2]', DOC,
    ]);
    await until(() => daemon!.stats.received === 9);
    await send(daemon.port, [HEADER + DOC]);
    await until(() => docs.length === 1);

    expect(daemon.stats).toEqual({ received: 10, accepted: 1, dropped: 9, otlpSampled: 0, otlpUnsampled: 0 });
    expect(docs).toEqual([DOC]);
  });

  it('stays up when a sender tries a datagram larger than UDP can carry', async () => {
    const docs: string[] = [];
    daemon = await startDaemon({ port: 0, onDocuments: (d) => docs.push(...d), flushMs: 1 });
    const tooBig = HEADER + JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
    await expect(send(daemon.port, [tooBig])).rejects.toThrow(/EMSGSIZE/);
    await send(daemon.port, [HEADER + DOC]);
    await until(() => docs.length === 1);
    expect(docs).toEqual([DOC]);
  });

  it('survives a consumer that throws', async () => {
    const errors: unknown[] = [];
    daemon = await startDaemon({ port: 0, onDocuments: () => { throw new Error('store down'); }, onError: (e) => errors.push(e), flushMs: 1 });
    await send(daemon.port, [HEADER + DOC]);
    await until(() => errors.length === 1);
    await send(daemon.port, [HEADER + DOC]);
    await until(() => errors.length === 2);
    expect(daemon.stats.accepted).toBe(2);
  });

  it('reports a port that is already taken', async () => {
    daemon = await startDaemon({ port: 0, onDocuments: () => undefined });
    await expect(startDaemon({ port: daemon.port, onDocuments: () => undefined })).rejects.toThrow(/EADDRINUSE/);
  });
});
