/**
 * A 10,000-datagram burst at the X-Ray daemon intake. UDP acknowledges nothing, so "nothing lost"
 * means: with the burst sent in bounded waves (each small enough for the receive buffer and received
 * before the next, as a paced SDK would), every valid document is stored, every bad one is counted as dropped, and the cloud keeps
 * answering its API throughout.
 */
import { createSocket, type Socket } from 'node:dgram';
import { BatchGetTracesCommand, GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';

const HEADER = '{"format":"json","version":1}\n';
const TRACES = 900;
const SEGMENTS_PER_TRACE = 10;
const GARBAGE = 500;
const MAX_SIZE = 500;

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function traceId(t: number, epoch: number): string {
  return `1-${hex(epoch, 8)}-${hex(t, 24)}`;
}

function segment(t: number, s: number, epoch: number): Buffer {
  const doc = { name: `burst-${s}`, id: hex(t * SEGMENTS_PER_TRACE + s + 1, 16), trace_id: traceId(t, epoch), start_time: epoch + s / 100, end_time: epoch + s / 100 + 0.005 };
  return Buffer.from(HEADER + JSON.stringify(doc));
}

/** Not a document: no header, a bad header, half a JSON object, binary noise, an empty body. */
function garbage(i: number): Buffer {
  const kinds = [
    () => Buffer.from('{"name":"no-header"}'),
    () => Buffer.from('{"format":"xml","version":1}\n{"name":"x"}'),
    () => Buffer.from(`${HEADER}{"name":"cut`),
    () => Buffer.from(Array.from({ length: 64 }, (_, k) => (i * 31 + k * 7) % 256)),
    () => Buffer.from(HEADER),
  ];
  return kinds[i % kinds.length]!();
}

/**
 * The largest datagram IPv4 carries (65,507 bytes) holding a document cut short. The daemon's 64 KiB
 * document cap cannot be exceeded over IPv4 UDP (the header line alone takes the margin), so the
 * biggest deliverable garbage is what the intake must survive.
 */
function maxSize(i: number): Buffer {
  const head = `${HEADER}{"name":"max-${i}","annotations":{"pad":"`;
  return Buffer.from(head + 'p'.repeat(65_507 - Buffer.byteLength(head)));
}

function sendAll(socket: Socket, port: number, datagrams: Buffer[]): Promise<void> {
  return Promise.all(datagrams.map((d) => new Promise<void>((resolve, reject) => socket.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve()))))).then(() => undefined);
}

/**
 * Splits the burst into waves the receive buffer can hold whole: the kernel drops what overflows it,
 * and CI machines often cap it at ~200 KB. A datagram is charged twice its size plus the kernel's
 * per-packet overhead; a wave holds at least one datagram.
 */
function waves(datagrams: Buffer[], budget: number): Buffer[][] {
  const out: Buffer[][] = [];
  let wave: Buffer[] = [];
  let used = 0;
  for (const d of datagrams) {
    const cost = 2 * d.length + 1024;
    if (wave.length > 0 && used + cost > budget) {
      out.push(wave);
      wave = [];
      used = 0;
    }
    wave.push(d);
    used += cost;
  }
  if (wave.length > 0) out.push(wave);
  return out;
}

/** What this machine lets a UDP socket buffer (the daemon asks for 4 MB; the system may cap it). */
async function receiveBufferBytes(): Promise<number> {
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
  try {
    probe.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // capped: read what we got
  }
  const size = probe.getRecvBufferSize();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return size;
}

async function waitReceived(cloud: LocalCloud, count: number): Promise<void> {
  // Bounded: a wave that never fully arrives fails the test instead of hanging it.
  for (let spins = 0; spins < 20_000 && cloud.daemonStats().received < count; spins++) await new Promise((r) => setImmediate(r));
}

describe('UDP burst at the X-Ray daemon intake', () => {
  let cloud: LocalCloud;
  let xray: XRayClient;
  beforeAll(async () => {
    cloud = await withLocalCloud();
    xray = new XRayClient(clientConfig(cloud));
  });
  afterAll(async () => {
    xray.destroy();
    await cloud.close();
  });

  it('stores every valid document of 10,000 datagrams sent in bounded waves, counts garbage and maximum-size junk as dropped, and keeps answering', async () => {
    // Arrange: valid, garbage and oversize datagrams interleaved, 10,000 in all.
    const epoch = Math.floor(Date.now() / 1000);
    const valid: Buffer[] = [];
    for (let t = 0; t < TRACES; t++) for (let s = 0; s < SEGMENTS_PER_TRACE; s++) valid.push(segment(t, s, epoch));
    const bad = [...Array.from({ length: GARBAGE }, (_, i) => garbage(i)), ...Array.from({ length: MAX_SIZE }, (_, i) => maxSize(i))];
    const all: Buffer[] = [];
    for (let i = 0, b = 0; i < valid.length; i++) {
      all.push(valid[i]!);
      if (i % 9 === 8 && b < bad.length) all.push(bad[b++]!);
    }
    expect(all.length).toBe(10_000);
    const port = Number(cloud.daemonAddress.split(':').pop());
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.setSendBufferSize(8 * 1024 * 1024);
    const before = cloud.daemonStats();

    // Act: waves that fit the receive buffer, each received before the next; the API is asked between waves.
    const plan = waves(all, (await receiveBufferBytes()) / 4);
    let answeredDuring = 0;
    let sent = 0;
    try {
      for (const [i, wave] of plan.entries()) {
        await sendAll(socket, port, wave);
        sent += wave.length;
        await waitReceived(cloud, before.received + sent);
        if (i % Math.ceil(plan.length / 4) === 0) {
          await xray.send(new GetSamplingRulesCommand({}));
          answeredDuring++;
        }
      }
    } finally {
      socket.close();
    }
    const stats = cloud.daemonStats();

    // Assert: the counters add up exactly.
    expect(stats.received - before.received).toBe(10_000);
    expect(stats.accepted - before.accepted).toBe(TRACES * SEGMENTS_PER_TRACE);
    expect(stats.dropped - before.dropped).toBe(GARBAGE + MAX_SIZE);
    expect(answeredDuring).toBeGreaterThanOrEqual(4);
    // Every valid document is stored, read back through BatchGetTraces.
    const ids = Array.from({ length: TRACES }, (_, t) => traceId(t, epoch));
    let segments = 0;
    const incomplete: string[] = [];
    for (let i = 0; i < ids.length; i += 5) {
      const out = await xray.send(new BatchGetTracesCommand({ TraceIds: ids.slice(i, i + 5) }));
      for (const tr of out.Traces ?? []) {
        segments += tr.Segments?.length ?? 0;
        if (tr.Segments?.length !== SEGMENTS_PER_TRACE) incomplete.push(tr.Id!);
      }
      expect(out.UnprocessedTraceIds ?? []).toEqual([]);
    }
    expect(incomplete).toEqual([]);
    expect(segments).toBe(TRACES * SEGMENTS_PER_TRACE);
    // Still answering after the burst.
    const rules = await xray.send(new GetSamplingRulesCommand({}));
    expect(rules.SamplingRuleRecords?.map((r) => r.SamplingRule?.RuleName)).toContain('Default');
  });
});
