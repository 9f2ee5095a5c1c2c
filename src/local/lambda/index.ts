/** Local Lambda execution engine: the control plane imports only from here. */
export { LambdaEngine } from './engine.js';
export type { FunctionSpec, InvocationType, InvokeRequest, InvokeResult, LambdaEngineOptions, LogEvent } from './types.js';
export { logGroupName } from './logs.js';
export { LambdaSampler } from './sampler.js';
export { isThrottle } from './concurrency.js';
export { isAbandoned } from './abandon.js';
