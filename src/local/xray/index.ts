/** Public surface of the local X-Ray engine (see SPEC.md next to this file). */
export { TraceStore, type TraceStoreOptions } from './store.js';
export { putTraceSegments, batchGetTraces, getTraceSummaries, getTraceSummariesBody, getServiceGraph, getTraceGraph } from './operations.js';
export { Sampler, lambdaSampler, type SamplingRequest, type SamplingDecision, type SamplerOptions } from './sampling.js';
export { DEFAULT_RULE, orderRules, wildcardMatch } from '../../shared/xray-sampling.js';
export { startDaemon, parseDatagram, type Daemon, type DaemonOptions, type DaemonStats } from './daemon.js';
export { validateSegmentDocument, type SegmentDoc, type EntityDoc } from './segments.js';
export { assembleTrace, type AssembledTrace } from './assemble.js';
export { parseFilter } from './filter/parser.js';
export { makeLabTrace, makeLabTraceDocs, seededRandom, type LabTraceOptions } from './synthetic.js';
