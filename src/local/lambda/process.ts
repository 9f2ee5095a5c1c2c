/**
 * One warm function process ("sandbox"): a Node child running bootstrap.mjs against its own Runtime
 * API server. It runs one invocation at a time and reports what happened with the phase times the
 * segments and the REPORT line need. A process that timed out, crashed or failed to init is dead
 * afterwards; the pool replaces it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock } from '../core/types.js';
import { Deferred, timer } from './deferred.js';
import { DONE_MARK } from './done-mark.mjs';
import { RuntimeApiServer, type NextInvocation, type RuntimeResult } from './runtime-api.js';
import type { LogEvent } from './types.js';

/** Lambda's limit for the init phase of an on-demand sandbox. */
const INIT_LIMIT_MS = 10_000;

export type RunOutcome =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer; errorType: string }
  | { kind: 'initError'; body: Buffer; errorType: string }
  | { kind: 'timeout'; inInit: boolean }
  | { kind: 'exit'; code: number | null; signal: string | null };

export interface RunReport {
  outcome: RunOutcome;
  cold: boolean;
  initStart?: number;
  initEnd?: number;
  invocationStart?: number;
  invocationEnd?: number;
  /** When the runtime asked for the next event again (end of Overhead). */
  readyAt?: number;
  /** Output of the init phase (cold start only), then of the invocation itself. */
  initLines: LogEvent[];
  lines: LogEvent[];
  maxMemoryUsedMb: number;
  /**
   * Settles when the process is done with this invocation (Overhead over, output complete): only
   * then are `lines`, `readyAt` and `maxMemoryUsedMb` final and the process free for another event.
   * The outcome is known earlier, so a caller can answer the invoke first, as Lambda does.
   */
  complete: Promise<void>;
}

export interface ProcessOptions {
  codeDir: string;
  clock: Clock;
  nodePath: string;
  bootstrapPath: string;
  /** Arguments after the bootstrap path (e.g. `--code-cache <file>`). */
  bootstrapArgs?: string[];
  logStream: string;
  /** Builds the child's environment once its Runtime API address is known. */
  environment(runtimeApi: string): Record<string, string>;
  /** Output printed outside any invocation (e.g. by timers left running after a response). */
  onStrayOutput(events: LogEvent[]): void;
}

export type InvocationInput = Omit<NextInvocation, 'deadlineMs'>;

export class FunctionProcess {
  readonly spawnedAt: number;
  private child!: ChildProcess;
  private server!: RuntimeApiServer;
  private invokedOnce = false;
  /** The runtime's init mark: output before it belongs to the init phase. */
  private readonly initMark = new Deferred<void>();
  private deliver: ((inv: NextInvocation) => void) | undefined;
  private ready = new Deferred<void>();
  private readonly initError = new Deferred<{ errorType: string; body: Buffer }>();
  private readonly exited = new Deferred<{ code: number | null; signal: string | null }>();
  private result: Deferred<RuntimeResult> | undefined;
  private doneMark: Deferred<void> | undefined;
  private currentId: string | undefined;
  private capture: LogEvent[] | undefined;
  private readonly initLines: LogEvent[] = [];
  private partial = '';
  private maxRss = 0;

  private constructor(private readonly opts: ProcessOptions) {
    this.spawnedAt = opts.clock.now();
  }

  static async spawn(opts: ProcessOptions): Promise<FunctionProcess> {
    const p = new FunctionProcess(opts);
    p.server = await RuntimeApiServer.start({
      onNext: (deliver) => {
        p.deliver = deliver;
        p.ready.resolve();
      },
      onResult: (id, result) => {
        if (id !== p.currentId || !p.result || p.result.settled) return false;
        p.result.resolve(result);
        return true;
      },
      onInitError: (errorType, body) => p.initError.resolve({ errorType, body }),
    });
    p.child = spawn(opts.nodePath, [opts.bootstrapPath, ...(opts.bootstrapArgs ?? [])], {
      cwd: opts.codeDir,
      env: opts.environment(p.server.address),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.child.stdout?.setEncoding('utf8').on('data', (s: string) => p.onOutput(s));
    p.child.stderr?.setEncoding('utf8').on('data', (s: string) => p.onOutput(s));
    // 'close' (not 'exit') so every byte the process wrote has been read before we report it gone.
    p.child.on('close', (code, signal) => p.onClosed(code, signal));
    p.child.on('error', () => p.onClosed(null, null));
    return p;
  }

  get logStream(): string {
    return this.opts.logStream;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Settles when the init phase is over: ready for an event, failed, or the process is gone. */
  get initialized(): Promise<void> {
    // Bounded like the init phase itself, so a process nobody runs cannot hold a boot turn forever.
    const limit = timer(INIT_LIMIT_MS, undefined);
    return Promise.race([
      Promise.all([this.ready.promise, this.initMark.promise]),
      this.initError.promise,
      this.exited.promise,
      limit.promise,
    ]).then(() => limit.cancel());
  }

  get alive(): boolean {
    return !this.exited.settled;
  }

  /** Waits for the init phase on a cold process, hands the event over, and resolves with the outcome. */
  async run(input: InvocationInput, timeoutMs: number): Promise<RunReport> {
    const { clock } = this.opts;
    const cold = !this.invokedOnce;
    this.invokedOnce = true;
    const report: RunReport = {
      outcome: { kind: 'timeout', inInit: false }, cold, initLines: [], lines: [], maxMemoryUsedMb: 0, complete: Promise.resolve(),
    };
    const exit = this.exited.promise.then((e) => ({ kind: 'exit' as const, ...e }));

    if (cold) {
      report.initStart = this.spawnedAt;
      const limit = timer(INIT_LIMIT_MS, { kind: 'timeout' as const, inInit: true });
      const first = await Promise.race([
        Promise.all([this.ready.promise, this.initMark.promise]).then(() => ({ kind: 'ready' as const })),
        this.initError.promise.then((e) => ({ kind: 'initError' as const, ...e })),
        exit,
        limit.promise,
      ]);
      limit.cancel();
      report.initEnd = clock.now();
      report.initLines = this.initLines.splice(0);
      if (first.kind !== 'ready') {
        await this.kill();
        report.initLines.push(...this.initLines.splice(0));
        return this.finish(report, first);
      }
    } else {
      const first = await Promise.race([this.ready.promise.then(() => undefined), exit]);
      if (first) return this.finish(report, first);
    }

    this.currentId = input.requestId;
    this.capture = report.lines;
    const result = (this.result = new Deferred<RuntimeResult>());
    this.doneMark = new Deferred<void>();
    const deliver = this.deliver;
    this.deliver = undefined;
    this.ready = new Deferred<void>();
    report.invocationStart = clock.now();
    deliver?.({ ...input, deadlineMs: report.invocationStart + timeoutMs });

    const limit = timer(timeoutMs, { kind: 'timeout' as const, inInit: false });
    const outcome = await Promise.race([result.promise, exit, limit.promise]);
    report.invocationEnd = clock.now();
    if (outcome.kind === 'timeout') {
      limit.cancel();
      await this.kill();
      return this.finish(report, outcome);
    }
    if (outcome.kind === 'exit') {
      limit.cancel();
      return this.finish(report, outcome);
    }
    const body = outcome.body;
    report.outcome = outcome.kind === 'response'
      ? { kind: 'response', body }
      : { kind: 'error', body, errorType: outcome.errorType ?? 'Error' };
    report.complete = this.overhead(report, exit, limit);
    return report;
  }

  /** After the result: Overhead lasts until the runtime has flushed its output and asks for more. */
  private async overhead(report: RunReport, exit: Promise<unknown>, limit: { promise: Promise<unknown>; cancel(): void }): Promise<void> {
    const doneMark = this.doneMark?.promise ?? Promise.resolve();
    const settled = await Promise.race([
      Promise.all([doneMark, this.ready.promise]).then(() => 'ready' as const),
      exit.then(() => 'exit' as const),
      limit.promise.then(() => 'stuck' as const),
    ]);
    limit.cancel();
    if (settled === 'ready') report.readyAt = this.opts.clock.now();
    if (settled === 'stuck') await this.kill();
    this.finish(report, report.outcome);
  }

  /** SIGKILL (a frozen or runaway sandbox cannot be asked politely) and wait until it is gone. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited.promise;
  }

  private finish(report: RunReport, outcome: RunOutcome): RunReport {
    this.flushPartial();
    this.capture = undefined;
    this.currentId = undefined;
    report.outcome = outcome;
    report.maxMemoryUsedMb = Math.ceil(this.maxRss / (1024 * 1024));
    return report;
  }

  private onOutput(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  private onLine(line: string): void {
    const mark = line.indexOf(DONE_MARK);
    if (mark < 0) return this.record(line);
    if (mark > 0) this.record(line.slice(0, mark));
    const [id, rss] = line.slice(mark + DONE_MARK.length).split(':');
    this.maxRss = Math.max(this.maxRss, Number(rss) || 0);
    if (id === '') return this.initMark.resolve();
    if (id === this.currentId) {
      this.capture = undefined;
      this.doneMark?.resolve();
    }
  }

  private record(line: string): void {
    // The runtime turns newlines inside one console call into \r; give them back to the log event.
    const event = { timestamp: this.opts.clock.now(), message: `${line.replace(/\r/g, '\n')}\n` };
    if (this.capture) this.capture.push(event);
    else if (!this.initMark.settled) this.initLines.push(event);
    else this.opts.onStrayOutput([event]);
  }

  private flushPartial(): void {
    if (this.partial) {
      const rest = this.partial;
      this.partial = '';
      this.onLine(rest);
    }
  }

  private onClosed(code: number | null, signal: string | null): void {
    if (this.exited.settled) return;
    this.flushPartial();
    this.exited.resolve({ code, signal });
    void this.server.close();
  }
}
