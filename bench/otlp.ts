/**
 * OTLP ingest and the daemon's sampling proxy (issue 17). Ingest: spans recorded by the OTel JS SDK
 * (X-Ray ids; SERVER → INTERNAL → CLIENT DynamoDB trees) exported by the OTel protobuf exporter to the
 * local cloud's OTLP/HTTP receiver, and by the OTel gRPC exporter to its OTLP/gRPC receiver, in batches
 * of 512, 4 exports in flight, rotated round by round with
 * lab-shaped X-Ray documents through PutTraceSegments (batches of 50, 4 calls in flight, the
 * xray-store bench's method). Sampling proxy: sequential keep-alive `POST /SamplingTargets` on the
 * daemon's TCP port, with a statistics document like the SDKs' target poller sends.
 */
import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as OTLPGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Benchmark, BenchBody } from './lib/result.js';
import { target } from './lib/result.js';
import { cpuMs } from './lib/proc.js';
import { sdkConfig, startCloudProcess } from './lib/stack.js';
import { percentile, ratio, rotate, round } from './lib/stats.js';
import { labTraces } from './lib/traces.js';

const SPAN_BATCH = 512;
const PUT_BATCH = 50;
const PARALLEL = 4;

/** `traces` four-span trees as the OTel SDK records them. */
function recordSpans(traces: number): ReadableSpan[] {
  const mem = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-otel-app', 'service.version': '1.0.0' }),
    idGenerator: new AWSXRayIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor(mem)],
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < traces; i++) {
    const server = tracer.startSpan('GET /users/:id', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': `/users/u${i}`, 'http.response.status_code': 200 } });
    const inServer = trace.setSpan(context.active(), server);
    const lookup = tracer.startSpan('lookup-user', { attributes: { lab_user: `u${i}`, 'aws.xray.annotations': ['lab_user'] } }, inServer);
    const db = tracer.startSpan('DynamoDB.GetItem', { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem', 'aws.dynamodb.table_names': ['Users'] } }, trace.setSpan(context.active(), lookup));
    db.end();
    lookup.end();
    tracer.startSpan('render', {}, inServer).end();
    server.end();
  }
  return mem.getFinishedSpans();
}

interface Run {
  items: number;
  ms: number;
  /** CPU used meanwhile by this (client) process and by the local cloud's process (null without /proc). */
  clientCpuMs: number;
  serverCpuMs: number | null;
}

/** Runs `fn` over `items` with `parallel` in flight; wall time and where the CPU went. */
async function inFlight<T>(items: T[], parallel: number, serverPid: number, count: (item: T) => number, fn: (item: T) => Promise<void>): Promise<Run> {
  let next = 0;
  const server0 = cpuMs(serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
  const ms = performance.now() - t0;
  const client = process.cpuUsage(client0);
  const server1 = cpuMs(serverPid);
  return {
    items: items.reduce((n, i) => n + count(i), 0), ms, clientCpuMs: (client.user + client.system) / 1000,
    serverCpuMs: server0 === null || server1 === null ? null : server1 - server0,
  };
}

function total(runs: Run[]): Run {
  return runs.reduce((t, r) => ({
    items: t.items + r.items, ms: t.ms + r.ms, clientCpuMs: t.clientCpuMs + r.clientCpuMs,
    serverCpuMs: t.serverCpuMs === null || r.serverCpuMs === null ? null : t.serverCpuMs + r.serverCpuMs,
  }));
}

/** CPU µs per item, client and server: a figure the machine's load does not move much. */
function cpuPerItem(r: Run): [number, number | null] {
  return [round((r.clientCpuMs * 1000) / r.items, 1), r.serverCpuMs === null ? null : round((r.serverCpuMs * 1000) / r.items, 1)];
}

function chunks<T>(xs: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
}

function postTargets(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/SamplingTargets', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`SamplingTargets answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const otlpBench: Benchmark = {
  name: 'otlp',
  title: 'OTLP ingest (OTel protobuf exporter, 512-span batches) vs PutTraceSegments; daemon sampling proxy latency',
  async run({ smoke, log }): Promise<BenchBody> {
    const rounds = smoke ? 2 : 6;
    const batchesPerRound = smoke ? 2 : 20;
    const tracesPerPutRound = smoke ? 20 : 2000;
    const samplingCalls = smoke ? 20 : 1000;
    const cloud = await startCloudProcess();
    try {
      const status = JSON.parse((await cloud.box.run(['local', 'status', '--json'])).stdout) as { listeners: { name: string; port: number }[] };
      const port = (name: string) => status.listeners.find((l) => l.name === name)!.port;
      const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port('otlp-http')}/v1/traces` });
      const grpcExporter = new OTLPGrpcTraceExporter({ url: `http://127.0.0.1:${port('otlp-grpc')}` });
      const xray = new XRayClient(sdkConfig(cloud.endpoint));
      log(`recording ${2 * rounds * batchesPerRound * SPAN_BATCH} spans`);
      // One half for each OTLP transport: every exported span is a new one, never a re-sent batch.
      const allBatches = chunks(recordSpans((2 * rounds * batchesPerRound * SPAN_BATCH) / 4), SPAN_BATCH);
      const spanBatches = allBatches.slice(0, rounds * batchesPerRound);
      const grpcBatches = allBatches.slice(rounds * batchesPerRound);
      const now = Date.now() / 1000;
      const putDocs = [...labTraces(rounds * tracesPerPutRound, now - 300, now, 17)].flatMap((t) => t.docs);
      const putBatches = chunks(putDocs, PUT_BATCH);
      const putPerRound = Math.ceil(putBatches.length / rounds);
      let rejected = 0;
      const exportAll = (batches: ReadableSpan[][], via: typeof exporter | typeof grpcExporter, i: number) => {
        const mine = batches.slice(i * batchesPerRound, (i + 1) * batchesPerRound);
        return inFlight(mine, PARALLEL, cloud.pid, (b) => b.length, (spans) => new Promise<void>((resolve, reject) => {
          via.export(spans, (r) => (r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed'))));
        }));
      };
      const [otlp, grpc, put] = await rotate(rounds, [
        (i) => exportAll(spanBatches, exporter, i),
        (i) => exportAll(grpcBatches, grpcExporter, i),
        async (i) => {
          const mine = putBatches.slice(i * putPerRound, (i + 1) * putPerRound);
          return inFlight(mine, PARALLEL, cloud.pid, (b) => b.length, async (docs) => {
            const r = await xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: docs }));
            rejected += r.UnprocessedTraceSegments?.length ?? 0;
          });
        },
      ]);
      await exporter.shutdown();
      await grpcExporter.shutdown();
      xray.destroy();
      const otlpRun = total(otlp!);
      const grpcRun = total(grpc!);
      const putRun = total(put!);
      const otlpRate = (otlpRun.items * 1000) / otlpRun.ms;
      const grpcRate = (grpcRun.items * 1000) / grpcRun.ms;
      const putRate = (putRun.items * 1000) / putRun.ms;
      log(`OTLP/HTTP ${round(otlpRate, 0)} spans/s, OTLP/gRPC ${round(grpcRate, 0)} spans/s, PutTraceSegments ${round(putRate, 0)} segments/s`);

      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const body = JSON.stringify({ SamplingStatisticsDocuments: [{ RuleName: 'Default', ClientID: randomBytes(12).toString('hex'), RequestCount: 10, BorrowCount: 0, SampledCount: 1, Timestamp: Math.floor(Date.now() / 1000) }] });
      const latencies: number[] = [];
      for (let i = 0; i < samplingCalls; i++) latencies.push(await postTargets(agent, port('xray-daemon-tcp'), body));
      agent.destroy();
      const p50 = percentile(latencies, 50);
      const speedup = ratio(otlpRate, putRate);
      return {
        tables: [
          {
            title: 'Ingest, rotated rounds on one local cloud process',
            columns: ['path', 'items', 'rate (items/s)', 'client CPU µs/item', 'server CPU µs/item', 'note'],
            rows: [
              ['OTLP/HTTP protobuf, OTel exporter → :4318', otlpRun.items, round(otlpRate, 0), ...cpuPerItem(otlpRun), `${SPAN_BATCH} spans a request, ${PARALLEL} in flight`],
              ['OTLP/gRPC protobuf, OTel gRPC exporter → :4317', grpcRun.items, round(grpcRate, 0), ...cpuPerItem(grpcRun), `${SPAN_BATCH} spans a call, ${PARALLEL} in flight, one HTTP/2 connection`],
              ['PutTraceSegments, AWS SDK v3', putRun.items, round(putRate, 0), ...cpuPerItem(putRun), `${PUT_BATCH} documents a call, ${PARALLEL} in flight; ${rejected} rejected`],
            ],
          },
          {
            title: 'Daemon TCP sampling proxy: POST /SamplingTargets, sequential, keep-alive',
            columns: ['calls', 'p50 ms', 'p95 ms', 'p99 ms'],
            rows: [[samplingCalls, round(p50, 2), round(percentile(latencies, 95), 2), round(percentile(latencies, 99), 2)]],
          },
        ],
        targets: [
          target('OTLP ingest, 512-span batches', '≥ 20000 spans/s', round(otlpRate, 0), 'spans/s', (x) => x >= 20_000),
          target('OTLP spans/s ÷ PutTraceSegments segments/s (same run)', '≥ 2', speedup === null ? null : round(speedup, 2), '×', (x) => x >= 2),
          target('Sampling proxy /SamplingTargets p50', '≤ 5 ms', round(p50, 2), 'ms', (x) => x <= 5),
        ],
        notes: [
          `OTLP/gRPC ÷ OTLP/HTTP spans/s in the same run: ${ratio(grpcRate, otlpRate) === null ? 'n/a' : round(ratio(grpcRate, otlpRate)!, 2)}×.`,
          'One OTLP span becomes one segment document (a segment or an independent subsegment), so spans/s and segments/s count the same unit of stored work.',
        ],
      };
    } finally {
      await cloud.close();
    }
  },
};
