/**
 * The local Lambda execution engine: runs functions in warm Node processes behind the Runtime API,
 * turns each run into the Invoke answer, CloudWatch log events and (when traced) the Lambda
 * service's X-Ray segments. The control plane owns function state and the public Invoke route.
 */
import { fileURLToPath } from 'node:url';
import { ServiceError, withoutServerPaths } from '../core/errors.js';
import type { Clock, IdGenerator } from '../core/types.js';
import { CodePreparer, codeCachePath } from './code-cache.js';
import { ConcurrencyLimiter, DEFAULT_CONCURRENCY_LIMIT, isThrottle } from './concurrency.js';
import { abandoned, acquireUnlessAbandoned, isAbandoned } from './abandon.js';
import { defaultInitConcurrency, InitGate } from './init-gate.js';
import { buildEnvironment, passedThrough } from './environment.js';
import { endLine, logGroupName, newLogStreamName, reportLine, startLine, tailLog } from './logs.js';
import { describeOutcome, type DescribedOutcome } from './outcome.js';
import { ProcessPool } from './pool.js';
import { FunctionProcess, type RunReport } from './process.js';
import { buildLambdaSegments, type SegmentIds } from './segments.js';
import { formatTraceHeader, newTraceId } from '../xray/trace-header.js';
import { decideTrace, LambdaSampler, type TraceDecision } from './sampler.js';
import type { FunctionSpec, InvokeRequest, InvokeResult, LambdaEngineOptions, LogEvent } from './types.js';

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));
const RUNTIME_DIR = fileURLToPath(new URL('.', import.meta.url));
/** AWS does not publish how long an idle environment lives (observed: 5 to 15 minutes); locally 5 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
/** A throttled asynchronous (Event) invocation is tried again this often, this many times (AWS: up to 6 hours). */
const EVENT_RETRY_MS = 1000;
const EVENT_RETRIES = 60;

export class LambdaEngine {
  private readonly pools = new Map<string, { fingerprint: string; pool: ProcessPool }>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly decideUnsampled: (functionName: string) => boolean;
  private readonly preparer: CodePreparer;
  private readonly limiter: ConcurrencyLimiter;
  private readonly initGate: InitGate;
  private closed = false;

  constructor(private readonly opts: LambdaEngineOptions) {
    this.clock = opts.clock;
    this.ids = opts.ids;
    const sampler = new LambdaSampler(opts.clock, opts.random);
    this.decideUnsampled = opts.decideUnsampled ?? ((name) => sampler.decide(name));
    this.preparer = new CodePreparer(opts.nodePath ?? process.execPath, passedThrough(process.env));
    this.limiter = new ConcurrencyLimiter(opts.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT, opts.reservedTotal ?? (() => 0));
    this.initGate = new InitGate(opts.initConcurrency ?? defaultInitConcurrency());
  }

  /** The account's concurrency limit this engine enforces. */
  get concurrencyLimit(): number {
    return this.limiter.limit;
  }

  /** Busy execution environments (of one function, or of the account). */
  concurrencyInUse(functionName?: string): number {
    return this.limiter.inUse(functionName);
  }

  /**
   * New code (or a new handler setting) was deployed: prepare what its cold starts can reuse (the
   * handler's V8 code cache) in the background. Resolves when done; failures only mean no cache.
   */
  prepare(spec: Pick<FunctionSpec, 'codeDir' | 'handler'>): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.preparer.prepare(spec.codeDir, spec.handler);
  }

  async invoke(spec: FunctionSpec, req: InvokeRequest): Promise<InvokeResult> {
    if (this.closed) throw new ServiceError('ServiceException', 'The Lambda engine is shut down.', 500);
    const requestId = req.requestId ?? this.ids.uuid();
    const type = req.invocationType ?? 'RequestResponse';
    const payload = eventPayload(req.payload);
    const base = { executedVersion: '$LATEST' as const, requestId, durationMs: 0, coldStart: false };
    if (type === 'DryRun') return { ...base, statusCode: 204, payload: Buffer.alloc(0) };

    const trace = decideTrace(req.traceHeader, spec.tracingMode, () => this.decideUnsampled(spec.name), () =>
      newTraceId(this.clock.now(), this.ids),
    );
    if (type === 'Event') {
      // Asynchronous invocation: accepted now; the result only reaches the logs and the trace. Lambda
      // keeps throttled events and tries them again; so does the engine, for a while.
      this.track(this.executeEvent(spec, requestId, payload, req, trace));
      return { ...base, statusCode: 202, payload: Buffer.alloc(0), traceId: trace.traceId, sampled: trace.sampled };
    }
    return this.execute(spec, requestId, payload, req, trace);
  }

  private async executeEvent(spec: FunctionSpec, requestId: string, payload: Buffer, req: InvokeRequest, trace: TraceDecision): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.execute(spec, requestId, payload, req, trace);
        return;
      } catch (e) {
        if (!isThrottle(e) || attempt >= EVENT_RETRIES || this.closed) throw e;
        await new Promise((resolve) => setTimeout(resolve, EVENT_RETRY_MS).unref());
      }
    }
  }

  /** Waits until asynchronous work is over: Event invocations and the logs/segments of answered ones. */
  async flush(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** Code or configuration changed, or the function was deleted: its processes stop after their current run. */
  async evict(functionName: string): Promise<void> {
    const entry = this.pools.get(functionName);
    if (!entry) return;
    this.pools.delete(functionName);
    await entry.pool.retire();
  }

  /** Stops every process now; invocations still running end as Runtime.ExitError. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()].map((e) => e.pool);
    this.pools.clear();
    await Promise.all([...pools.map((p) => p.kill()), this.preparer.close()]);
    await this.flush();
  }

  /** Pids of the live processes (of one function, or all): for diagnostics and tests. */
  processIds(functionName?: string): number[] {
    const entries = functionName ? [this.pools.get(functionName)] : [...this.pools.values()];
    return entries.flatMap((e) => e?.pool.pids() ?? []);
  }

  private poolFor(spec: FunctionSpec): ProcessPool {
    const fingerprint = JSON.stringify([spec.codeSha256, spec.codeDir, spec.handler, spec.runtime, spec.memoryMb,
      spec.timeoutS, spec.tracingMode, spec.arn, spec.env]);
    const existing = this.pools.get(spec.name);
    if (existing?.fingerprint === fingerprint) return existing.pool;
    if (existing) {
      // A changed function must never be served by a process running the old code.
      this.track(existing.pool.retire());
    }
    const pool = new ProcessPool((signal, onBoot) => this.spawnFor(spec, signal, onBoot), this.opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      this.opts.maxEnvironments ?? 0);
    this.pools.set(spec.name, { fingerprint, pool });
    return pool;
  }

  private async spawnFor(spec: FunctionSpec, signal?: AbortSignal, onBoot?: () => void): Promise<FunctionProcess> {
    await this.preparer.ready(spec.codeDir);
    if (!(await this.initGate.enter(signal))) throw abandoned();
    onBoot?.();
    try {
      const proc = await this.spawnProcess(spec);
      // The boot is over once init ends (ready, failed or dead): the next environment may start booting.
      void proc.initialized.finally(() => this.initGate.leave());
      return proc;
    } catch (e) {
      this.initGate.leave();
      throw e;
    }
  }

  private async spawnProcess(spec: FunctionSpec): Promise<FunctionProcess> {
    const group = logGroupName(spec.name);
    const logStream = newLogStreamName(this.clock, this.ids);
    const facts = { region: this.opts.region, endpoint: this.opts.endpoint, daemonAddress: this.opts.daemonAddress,
      logGroup: group, logStream, runtimeDir: RUNTIME_DIR };
    return FunctionProcess.spawn({
      codeDir: spec.codeDir,
      clock: this.clock,
      nodePath: this.opts.nodePath ?? process.execPath,
      bootstrapPath: BOOTSTRAP,
      bootstrapArgs: ['--code-cache', codeCachePath(spec.codeDir)],
      logStream,
      environment: (runtimeApi) => buildEnvironment(spec, { ...facts, runtimeApi }, this.ids),
      onStrayOutput: (events) => this.opts.onLogEvents(group, logStream, events),
    });
  }

  /**
   * Runs one invocation and answers as soon as the outcome is known (Lambda answers before its
   * Overhead phase); logs and segments follow once the process is done — awaited only for Tail.
   */
  private async execute(spec: FunctionSpec, requestId: string, payload: Buffer, req: InvokeRequest,
    trace: TraceDecision): Promise<InvokeResult> {
    const received = this.clock.now();
    const segIds: SegmentIds = { service: this.ids.hex(16), function: this.ids.hex(16), initialization: this.ids.hex(16),
      invocation: this.ids.hex(16), overhead: this.ids.hex(16) };
    // Traced: the function's own subsegments (X-Ray SDK) hang under the Invocation subsegment. Like
    // Lambda, a decided header always carries a Parent, sampled or not: the X-Ray SDK logs an error on
    // every invocation whose `_X_AMZN_TRACE_ID` has `Sampled` without `Parent`. Undecided (PassThrough,
    // no upstream decision): `Root=…` only, which the SDK takes as "record nothing".
    const traceHeader = formatTraceHeader({ root: trace.traceId, parent: trace.decided ? segIds.invocation : undefined,
      sampled: trace.decided ? (trace.sampled ? '1' : '0') : undefined, extra: trace.extra });
    // Work nobody waits for any more (the client left, the integration timed out) never starts.
    if (req.signal?.aborted) throw abandoned();
    // Beyond the limit Lambda throttles at once; the slot is held until the environment is free again.
    const releaseSlot = this.limiter.acquire(spec.name, spec.reservedConcurrency);
    const pool = this.poolFor(spec);
    // The opt-in environment queue (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS): the slot stays held while queued
    // (the invocation is in flight for its caller), and the wait is traced as the local cloud's own.
    const queue: { start?: number; end?: number } = {};
    const watch = { queued: () => (queue.start = this.clock.now()), dequeued: () => (queue.end = this.clock.now()) };
    let proc: FunctionProcess;
    try {
      proc = await acquireUnlessAbandoned(pool, req.signal, releaseSlot, watch);
    } catch (e) {
      releaseSlot();
      if (isAbandoned(e)) throw e;
      throw new ServiceError('ServiceException', `Could not start the function's runtime: ${withoutServerPaths((e as Error).message)}`, 500);
    }
    // A cold start takes a while: the caller may have given up meanwhile.
    if (req.signal?.aborted) {
      pool.release(proc);
      releaseSlot();
      throw abandoned();
    }
    let report: RunReport;
    try {
      report = await proc.run({ requestId, functionArn: spec.arn, traceHeader, payload,
        clientContext: decodeClientContext(req.clientContext) }, spec.timeoutS * 1000);
    } catch (e) {
      pool.release(proc);
      releaseSlot();
      throw e;
    }
    const described = describeOutcome(report.outcome, requestId, spec.timeoutS, this.clock);
    const durationMs = report.invocationStart !== undefined && report.invocationEnd !== undefined
      ? report.invocationEnd - report.invocationStart : 0;
    const logStream = proc.logStream;
    pool.markFinishing(proc);
    const bookkeeping = report.complete
      .then(() => {
        pool.release(proc);
        releaseSlot();
      })
      .then(() => this.record({ spec, requestId, trace, segIds, received, report, described, durationMs, logStream, queue }));
    const result: InvokeResult = {
      statusCode: 200, payload: described.payload, functionError: described.functionError,
      executedVersion: '$LATEST', requestId, traceId: trace.traceId, sampled: trace.sampled, durationMs, coldStart: report.cold,
    };
    if (req.logType === 'Tail') return { ...result, logResult: tailLog(await bookkeeping) };
    if (req.awaitCompletion) {
      await bookkeeping;
      return result;
    }
    this.track(bookkeeping);
    return result;
  }

  /** Emits the invocation's log events and, when traced, its segments; returns the events. */
  private record(r: {
    spec: FunctionSpec; requestId: string; trace: TraceDecision; segIds: SegmentIds; received: number;
    report: RunReport; described: DescribedOutcome; durationMs: number; logStream: string;
    queue: { start?: number; end?: number };
  }): LogEvent[] {
    const { spec, requestId, trace, segIds, report, described } = r;
    const completed = this.clock.now();
    const initDurationMs = report.cold && report.initEnd !== undefined && report.initStart !== undefined
      ? report.initEnd - report.initStart : undefined;
    const at = (message: string): LogEvent => ({ timestamp: completed, message });
    const events: LogEvent[] = [
      ...report.initLines,
      { timestamp: report.invocationStart ?? report.initEnd ?? r.received, message: startLine(requestId) },
      ...report.lines,
      ...described.platformLines.map(at),
      at(endLine(requestId)),
      at(reportLine({ requestId, durationMs: r.durationMs, memoryMb: spec.memoryMb, maxMemoryUsedMb: report.maxMemoryUsedMb,
        initDurationMs, status: described.reportStatus,
        xray: trace.sampled ? { traceId: trace.traceId, segmentId: segIds.function } : undefined })),
    ];
    this.opts.onLogEvents(logGroupName(spec.name), r.logStream, events);
    if (trace.sampled) {
      this.opts.onSegments(buildLambdaSegments({
        traceId: trace.traceId, upstreamParent: trace.upstreamParent, functionName: spec.name, functionArn: spec.arn,
        accountId: this.opts.accountId, requestId, ids: segIds, error: described.error,
        exceptionId: () => this.ids.hex(16),
        localQueue: r.queue.start !== undefined && r.queue.end !== undefined
          ? { id: this.ids.hex(16), start: r.queue.start, end: r.queue.end, maxEnvironments: this.opts.maxEnvironments ?? 0 } : undefined,
        times: { received: r.received, initStart: report.cold ? report.initStart : undefined,
          initEnd: report.cold ? report.initEnd : undefined, invocationStart: report.invocationStart,
          invocationEnd: report.invocationEnd, overheadEnd: report.readyAt, completed },
      }));
    }
    return events;
  }

  private track(work: Promise<unknown>): void {
    const done: Promise<unknown> = work.catch(() => undefined).finally(() => this.background.delete(done));
    this.background.add(done);
  }
}

/** Lambda passes `{}` for an empty payload and refuses what is not JSON before running anything. */
function eventPayload(payload: Buffer): Buffer {
  if (payload.length === 0) return Buffer.from('{}');
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new ServiceError('InvalidRequestContentException',
      `Could not parse request body into json: Could not parse payload into json: ${(e as Error).message}`, 400, { Type: 'User' });
  }
  return payload;
}

function decodeClientContext(b64: string | undefined): string | undefined {
  if (!b64) return undefined;
  return Buffer.from(b64, 'base64').toString('utf8');
}
