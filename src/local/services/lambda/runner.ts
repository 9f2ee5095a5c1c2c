/**
 * What the control plane needs from the execution engine (src/local/lambda, LambdaEngine): run an
 * invocation, retire warm processes of changed or deleted functions, stop everything. Kept as an
 * interface so the control plane stays testable without processes and the engine stays swappable.
 */
import type { FunctionSpec as RunSpec, InvokeRequest as RunRequest, InvokeResult as RunResult } from '../../lambda/types.js';
import type { StoredFunction } from './model.js';

// The engine's own shapes: one definition, so the seam cannot drift from what the engine accepts.
export type { FunctionSpec as RunSpec, InvokeRequest as RunRequest, InvokeResult as RunResult } from '../../lambda/types.js';

export interface LambdaRunner {
  invoke(spec: RunSpec, req: RunRequest): Promise<RunResult>;
  evict(functionName: string): void | Promise<void>;
  /** Code or the handler setting changed: prepare what cold starts of it reuse (optional, background). */
  prepare?(spec: Pick<RunSpec, 'codeDir' | 'handler'>): Promise<void>;
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
    reservedConcurrency: fn.reservedConcurrency,
  };
}
