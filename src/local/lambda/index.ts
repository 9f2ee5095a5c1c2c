/** Local Lambda execution engine: the control plane imports only from here. */
export { LambdaEngine } from './engine.js';
export type { FunctionSpec, InvocationType, InvokeRequest, InvokeResult, LambdaEngineOptions, LogEvent } from './types.js';
export { logGroupName } from './logs.js';
export { LambdaSampler } from './sampler.js';
export { ConcurrencyLimiter, DEFAULT_CONCURRENCY_LIMIT, isThrottle, unreservedMinimum } from './concurrency.js';
export { DEFAULT_IDLE_TIMEOUT_MS } from './engine.js';
export { isAbandoned } from './abandon.js';
