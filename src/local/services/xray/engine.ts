/**
 * Puts the trace engine (src/local/xray) behind the X-Ray API: the store every segment lands in
 * (PutTraceSegments, the UDP daemon, Lambda's and API Gateway's own segments), one Sampler per region
 * over that region's rules, and the restJson routes of the query and sampling-statistics operations.
 */
import type { GetSamplingTargetsRequest } from '@aws-sdk/client-xray';
import type { LocalCloudEnv } from '../../env.js';
import { Sampler, TraceStore, batchGetTraces, getServiceGraph, getTraceGraph, getTraceSummariesBody, putTraceSegments } from '../../xray/index.js';
import type { SamplingRequest, SamplingDecision } from '../../xray/index.js';
import type { XrayEngineRoutes } from './index.js';
import type { SamplingRules } from './rules.js';

export interface XrayEngine {
  store: TraceStore;
  /** Stores documents written by the local cloud itself; bad ones are dropped, as the daemon would. */
  putSegments(docs: string[]): void;
  /** The sampling decision of the entry point in `region` (API Gateway stages). */
  decide(region: string, req: SamplingRequest): SamplingDecision;
  routes: XrayEngineRoutes;
}

export function createXrayEngine(env: LocalCloudEnv, rules: SamplingRules, random: () => number = Math.random): XrayEngine {
  const store = new TraceStore(env.db, { clock: env.clock });
  const samplers = new Map<string, Sampler>();
  const samplerFor = (region: string): Sampler => {
    let s = samplers.get(region);
    if (!s) {
      s = new Sampler({ getRules: () => rules.list(region), clock: env.clock, random, lastRuleModification: () => new Date(rules.lastModification(region) * 1000) });
      samplers.set(region, s);
    }
    return s;
  };
  return {
    store,
    putSegments: (docs) => void store.putTraceSegments(docs),
    decide: (region, req) => samplerFor(region).decide(req),
    routes: {
      '/TraceSegments': { operation: 'PutTraceSegments', handler: (req) => putTraceSegments(store, req.json()) },
      // The body is written from the stored summaries' text (same bytes as serialising the objects).
      '/TraceSummaries': {
        operation: 'GetTraceSummaries',
        handler: (req) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: getTraceSummariesBody(store, req.json()) }),
      },
      '/Traces': { operation: 'BatchGetTraces', handler: (req) => batchGetTraces(store, req.json()) },
      '/ServiceGraph': { operation: 'GetServiceGraph', handler: (req) => getServiceGraph(store, req.json()) },
      '/TraceGraph': { operation: 'GetTraceGraph', handler: (req) => getTraceGraph(store, req.json()) },
      '/SamplingTargets': {
        operation: 'GetSamplingTargets',
        handler: (req, ctx) => samplerFor(ctx.region).getSamplingTargets(req.json() as unknown as GetSamplingTargetsRequest),
      },
      '/SamplingStatisticSummaries': {
        operation: 'GetSamplingStatisticSummaries',
        handler: (_req, ctx) => samplerFor(ctx.region).getSamplingStatisticSummaries(),
      },
      // The daemon reports its own health here; AWS answers an empty success, and so do we.
      '/TelemetryRecords': { operation: 'PutTelemetryRecords', handler: () => ({}) },
    },
  };
}
