/**
 * What the control plane needs from the execution engine (src/local/lambda, LambdaEngine): run an
 * invocation, retire warm processes of changed or deleted functions, stop everything. Kept as an
 * interface so the control plane stays testable without processes and the engine stays swappable.
 */
import type { StoredFunction } from './model.js';

export interface RunSpec {
  name: string;
  arn: string;
  codeDir: string;
  handler: string;
  runtime: string;
  timeoutS: number;
  memoryMb: number;
  env: Record<string, string>;
  tracingMode: 'Active' | 'PassThrough';
  codeSha256: string;
}

export interface RunRequest {
  payload: Buffer;
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  logType?: 'None' | 'Tail';
  traceHeader?: string;
  clientContext?: string;
  requestId?: string;
  /**
   * Answer only after the function's Overhead phase and its segments are recorded. A synchronous caller that
   * traces the call (API Gateway) needs this so its own subsegment encloses the Lambda segments.
   */
  awaitCompletion?: boolean;
}

export interface RunResult {
  statusCode: 200 | 202 | 204;
  payload: Buffer;
  functionError?: 'Unhandled';
  logResult?: string;
  executedVersion: '$LATEST';
  requestId: string;
  traceId?: string;
  sampled?: boolean;
  durationMs: number;
  coldStart: boolean;
}

export interface LambdaRunner {
  invoke(spec: RunSpec, req: RunRequest): Promise<RunResult>;
  evict(functionName: string): void | Promise<void>;
  close(): Promise<void>;
}

export function runSpec(fn: StoredFunction, codeDir: string): RunSpec {
  return {
    name: fn.FunctionName,
    arn: fn.FunctionArn,
    codeDir,
    handler: fn.Handler,
    runtime: fn.Runtime,
    timeoutS: fn.Timeout,
    memoryMb: fn.MemorySize,
    env: fn.Environment,
    tracingMode: fn.TracingMode,
    codeSha256: fn.CodeSha256,
  };
}
