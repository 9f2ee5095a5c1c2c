import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad } from '../../../src/lab/load/run-load.js';
import { isSampledHeader, traceRootOf } from '../../../src/lab/load/http-send.js';
import { LAB_WARMUP_PATHS, type RequestSample } from '../../../src/lab/load/types.js';

interface TestServer {
  baseUrl: string;
  received: string[];
  close(): Promise<void>;
}

/** A stage-like server: /prod/users/nonexistent → 404, others 200; every 4th response is Sampled=1. */
function startServer(opts: { latencyMs?: number; stallAfter?: number; stallMs?: number } = {}): Promise<TestServer> {
  const received: string[] = [];
  let stallUntil: number | undefined;
  const server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    const n = received.length;
    const now = performance.now();
    if (opts.stallAfter !== undefined && n === opts.stallAfter + 1) stallUntil = now + (opts.stallMs ?? 0);
    const wait = Math.max(opts.latencyMs ?? 0, stallUntil !== undefined ? stallUntil - now : 0);
    setTimeout(() => {
      const status = req.url?.endsWith('/nonexistent') ? 404 : 200;
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-amzn-trace-id': `Root=1-66670000-${n.toString(16).padStart(24, '0')};Sampled=${n % 4 === 0 ? 1 : 0}`,
      });
      res.end('{"ok":true}');
    }, wait);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}/prod`,
        received,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

/** Deterministic [0,1) sequence cycling through the given values. */
const cycle = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe('runLoad', () => {
  let srv: TestServer;
  afterEach(async () => srv?.close());

  describe('with a 5 ms server', () => {
    beforeEach(async () => {
      srv = await startServer({ latencyMs: 5 });
    });

    it('sends exactly `requests` requests in concurrency mode and counts statuses and sampled responses', async () => {
      const report = await runLoad({ baseUrl: srv.baseUrl, users: ['user123', 'nonexistent'], mode: { kind: 'concurrency', connections: 8 }, requests: 200, random: cycle(0.1, 0.7) });
      expect(report.sent).toBe(200);
      expect(srv.received).toHaveLength(200);
      expect(report.completed).toBe(200);
      expect(report.byStatus).toEqual({ '200': 100, '404': 100 });
      expect(report.sampled).toBe(50);
      expect(report.errors).toBe(0);
      expect(report.aborted).toBe(false);
      expect(report.latencyMs.p50).toBeGreaterThanOrEqual(5);
      expect(report.latencyMs.max).toBeGreaterThanOrEqual(report.latencyMs.p99);
      expect(srv.received.every((u) => /^\/prod\/users\/(user123|nonexistent)$/.test(u))).toBe(true);
    });

    it('sends the lab warm-up requests first and reports them apart', async () => {
      const report = await runLoad({ baseUrl: `${srv.baseUrl}/`, mode: { kind: 'concurrency', connections: 1 }, requests: 1, users: ['user456'], warmup: [...LAB_WARMUP_PATHS] });
      expect(report.warmup).toEqual({ sent: 12, byStatus: { '200': 11, '404': 1 }, errors: 0, sampled: 3 });
      expect(srv.received.slice(0, 3)).toEqual(['/prod/users/user123', '/prod/users/nonexistent', '/prod/users/user123']);
      expect(report.sent).toBe(1);
      expect(report.byStatus).toEqual({ '200': 1 });
    });

    it('holds the rate-mode schedule: one start every 1/rate seconds, none before its time', async () => {
      const samples: RequestSample[] = [];
      const report = await runLoad({ baseUrl: srv.baseUrl, mode: { kind: 'rate', rps: 100 }, duration: 2000, onSample: (s) => samples.push(s) });
      expect(report.sent).toBe(200);
      // The schedule itself is exact; how late a busy machine launches is the load-honesty benchmark's business.
      const scheduled = samples.map((s) => s.scheduledMs).sort((a, b) => a - b);
      const offSchedule = scheduled.filter((ms, i) => Math.abs(ms - i * 10) >= 0.5);
      expect(offSchedule).toEqual([]);
      expect(samples.every((s) => s.startedMs >= s.scheduledMs - 1)).toBe(true);
      expect(report.durationS).toBeGreaterThanOrEqual(1.99);
    });

    it('gives every sample the trace id its response carried, sampled or not', async () => {
      const samples: RequestSample[] = [];
      await runLoad({ baseUrl: srv.baseUrl, mode: { kind: 'rate', rps: 100 }, requests: 8, onSample: (s) => samples.push(s) });
      expect(samples).toHaveLength(8);
      expect(new Set(samples.map((s) => s.traceId)).size).toBe(8);
      expect(samples.every((s) => /^1-66670000-[0-9a-f]{24}$/.test(s.traceId ?? ''))).toBe(true);
      expect(samples.filter((s) => s.sampled)).toHaveLength(2);
    });

    it('reports progress snapshots and a final done snapshot', async () => {
      const snaps: { done: boolean; sent: number }[] = [];
      await runLoad({ baseUrl: srv.baseUrl, mode: { kind: 'rate', rps: 50 }, duration: 400, progressIntervalMs: 100, onProgress: (s) => snaps.push({ done: s.done, sent: s.sent }) });
      expect(snaps.length).toBeGreaterThanOrEqual(2);
      expect(snaps.at(-1)).toEqual({ done: true, sent: 20 });
      expect(snaps.slice(0, -1).every((s) => !s.done)).toBe(true);
    });
  });

  it('measures open-loop latency from the scheduled start when the server stalls (no coordinated omission)', async () => {
    // Arrange: request #21 (due at 400 ms) freezes every response for 500 ms.
    srv = await startServer({ latencyMs: 2, stallAfter: 20, stallMs: 500 });
    const samples: RequestSample[] = [];
    // Act
    const report = await runLoad({ baseUrl: srv.baseUrl, mode: { kind: 'rate', rps: 50 }, duration: 1500, onSample: (s) => samples.push(s) });
    // Assert: requests due during the stall were still sent on time, and their latency includes the wait.
    expect(report.sent).toBe(75);
    const during = samples.filter((s) => s.scheduledMs >= 400 && s.scheduledMs < 850);
    expect(during.length).toBeGreaterThanOrEqual(20);
    for (const s of during) {
      // Sent while the server was still frozen (it thaws at 900 ms), not after the replies came back.
      expect(s.startedMs).toBeLessThan(900);
      expect(s.endedMs - s.scheduledMs).toBeGreaterThanOrEqual(900 - s.scheduledMs - 5);
    }
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(495);
    expect(report.latencyMs.p90).toBeGreaterThan(100);
  });

  it('stops on abort and still returns a report', async () => {
    srv = await startServer({ latencyMs: 50 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const report = await runLoad({ baseUrl: srv.baseUrl, mode: { kind: 'rate', rps: 100 }, duration: 10_000, signal: ac.signal });
    expect(report.aborted).toBe(true);
    expect(report.sent).toBeGreaterThan(10);
    expect(report.sent).toBeLessThan(100);
    expect(report.completed + report.cancelled).toBe(report.sent);
    expect(report.cancelled).toBeGreaterThan(0);
    expect(report.durationS).toBeLessThan(5);
  });

  it('counts transport errors by code', async () => {
    srv = await startServer();
    const deadUrl = srv.baseUrl;
    await srv.close();
    const report = await runLoad({ baseUrl: deadUrl, mode: { kind: 'concurrency', connections: 2 }, requests: 6 });
    expect(report.sent).toBe(6);
    expect(report.errors).toBe(6);
    expect(report.errorsByCode).toEqual({ ECONNREFUSED: 6 });
    expect(report.byStatus).toEqual({});
  });

  it('rejects nonsense options', async () => {
    await expect(runLoad({ baseUrl: 'http://x', mode: { kind: 'rate', rps: 0 }, requests: 1 })).rejects.toThrow(/rps/);
    await expect(runLoad({ baseUrl: 'ftp://x', mode: { kind: 'concurrency', connections: 1 }, requests: 1 })).rejects.toThrow(/baseUrl/);
  });
});

describe('isSampledHeader', () => {
  it('reads Sampled=1 with case-insensitive keys only', () => {
    expect(isSampledHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1')).toBe(true);
    expect(isSampledHeader('root=1-5759e988-bd862e3fe1be46a994272793; sampled=1; Lineage=a:1')).toBe(true);
    expect(isSampledHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0')).toBe(false);
    expect(isSampledHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=?')).toBe(false);
    expect(isSampledHeader(undefined)).toBe(false);
  });
});

describe('traceRootOf', () => {
  it('reads the Root field with case-insensitive keys', () => {
    expect(traceRootOf('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1')).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(traceRootOf('sampled=0; root=1-5759e988-bd862e3fe1be46a994272793')).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(traceRootOf('Sampled=1')).toBeUndefined();
    expect(traceRootOf(undefined)).toBeUndefined();
  });
});
