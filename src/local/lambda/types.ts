/** Public shapes of the local Lambda execution engine (the control plane calls it behind Invoke). */
import type { Clock, IdGenerator } from '../core/types.js';

/** What the engine needs to run one function version; the control plane derives it from its store. */
export interface FunctionSpec {
  name: string;
  arn: string;
  /** Folder holding the extracted deployment package (becomes LAMBDA_TASK_ROOT and the child's cwd). */
  codeDir: string;
  /** `file.export` or `dir/file.export.nested`, as the Node runtime accepts it. */
  handler: string;
  /** e.g. `nodejs20.x`; only reported (AWS_EXECUTION_ENV) — every function runs on the engine's own Node. */
  runtime: string;
  /** Seconds; fractions are accepted so tests can use short limits. */
  timeoutS: number;
  memoryMb: number;
  env: Record<string, string>;
  tracingMode: 'Active' | 'PassThrough';
  /** Changes whenever the code changes: a different value retires the warm processes of the old code. */
  codeSha256: string;
  /** PutFunctionConcurrency's value: at most this many busy environments (0 = every invocation throttled). */
  reservedConcurrency?: number;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeRequest {
  payload: Buffer;
  invocationType?: InvocationType;
  logType?: 'None' | 'Tail';
  /** Incoming X-Amzn-Trace-Id header value. */
  traceHeader?: string;
  /** Base64 JSON, as in the Invoke API's X-Amz-Client-Context header. */
  clientContext?: string;
  requestId?: string;
  /**
   * Answer only after the function's Overhead phase and its segments are recorded. A synchronous caller that
   * traces the call (API Gateway) needs this so its own subsegment encloses the Lambda segments.
   */
  awaitCompletion?: boolean;
  /** Aborted when the caller gave up (client disconnected, integration timed out): if not started yet, it never runs. */
  signal?: AbortSignal;
}

export interface InvokeResult {
  statusCode: 200 | 202 | 204;
  payload: Buffer;
  functionError?: 'Unhandled';
  /** Base64 of the last 4 KB of this invocation's log (only with logType Tail). */
  logResult?: string;
  executedVersion: '$LATEST';
  requestId: string;
  traceId?: string;
  sampled?: boolean;
  durationMs: number;
  coldStart: boolean;
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface LambdaEngineOptions {
  region: string;
  accountId: string;
  /** Local cloud URL, given to functions as AWS_ENDPOINT_URL so their SDK clients reach it. */
  endpoint: string;
  /** host:port of the X-Ray UDP intake (AWS_XRAY_DAEMON_ADDRESS of the functions). */
  daemonAddress: string;
  clock: Clock;
  ids: IdGenerator;
  /** Receives the AWS::Lambda and AWS::Lambda::Function segment documents of a traced invocation. */
  onSegments(docs: string[]): void;
  onLogEvents(group: string, stream: string, events: LogEvent[]): void;
  /**
   * Decision for an Active function when no upstream decision came in. Default: Lambda's own
   * 1 request/s + 5 % rule per function, on the injected clock and `random`.
   */
  decideUnsampled?: (functionName: string) => boolean;
  /** Randomness for the default sampling rule (default Math.random). */
  random?: () => number;
  /** An idle execution environment is stopped after this long (default DEFAULT_IDLE_TIMEOUT_MS, 5 minutes). */
  idleTimeoutMs?: number;
  /** The account's concurrency limit: busy environments across all functions (default DEFAULT_CONCURRENCY_LIMIT). */
  concurrencyLimit?: number;
  /**
   * Opt-in (XRAY_LAB_LAMBDA_MAX_ENVIRONMENTS): at most this many execution environments per function;
   * an invocation that finds them all busy waits in a FIFO queue, traced as such. Unset or 0: AWS's model.
   */
  maxEnvironments?: number;
  /** Environments that may boot at once (default: one per CPU core, at least 2); see init-gate.ts. */
  initConcurrency?: number;
  /** Sum of all functions' reserved concurrency, which the unreserved functions cannot use (default 0). */
  reservedTotal?: () => number;
  /** Node executable for the function processes (default: the one running the engine). */
  nodePath?: string;
}

/** The local Lambda's settings from `local start`'s environment (config-env.ts reads them). */
export interface LocalLambdaLimits {
  concurrencyLimit?: number;
  idleTimeoutMs?: number;
  maxEnvironments?: number;
}
