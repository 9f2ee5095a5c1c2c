/**
 * A load run against the lab's stage, with the facts needed to judge its tracing: whether the stage
 * traces at all, which sampling rules apply, and how many traced requests they predict.
 * Shared by `xray-lab load` and step 5.
 */
import type { SamplingRule } from '@aws-sdk/client-xray';
import type { Clients } from '../clients.js';
import { API_NAME, STAGE_NAME } from '../guide.js';
import { parseInvokeUrl } from './invoke-url.js';
import { runLoad } from './run-load.js';
import { predictSampled, STAGE_SERVICE_TYPE, type SampledPrediction } from './stage-rule.js';
import { LAB_WARMUP_PATHS, type LoadMode, type LoadReport, type LoadSnapshot } from './types.js';
import { listSamplingRules } from '../sampling-rules-list.js';

export interface StageInfo {
  apiId?: string;
  stage: string;
  apiName: string;
  /** Undefined when it could not be read (no clients, or the API is not in this account). */
  tracingEnabled?: boolean;
}

export interface TracingExpectation {
  stage: StageInfo;
  /** Null when it cannot be predicted; `reason` says why. */
  prediction: SampledPrediction | null;
  reason?: string;
}

export interface LabRunOptions {
  url: string;
  mode: LoadMode;
  durationMs?: number;
  requests?: number;
  users: string[];
  warmup: boolean;
  clients?: Clients;
  signal: AbortSignal;
  onProgress?: (s: LoadSnapshot) => void;
  progressIntervalMs?: number;
  random?: () => number;
  /** Already read (e.g. for a cost estimate); read here otherwise. */
  facts?: TracingFacts;
}

/** How well the sender kept to its plan: the rate requests were started at, and the worst start delay. */
export interface ScheduleReport {
  offeredRps: number;
  maxStartLagMs: number;
}

export interface LabRunResult {
  report: LoadReport;
  schedule: ScheduleReport;
  expectation: TracingExpectation;
}

async function describeStage(clients: Clients | undefined, url: string, signal: AbortSignal): Promise<StageInfo> {
  const addr = parseInvokeUrl(url);
  const info: StageInfo = { ...(addr ? { apiId: addr.apiId } : {}), stage: addr?.stage ?? STAGE_NAME, apiName: API_NAME };
  if (!clients || !addr) return info;
  const { GetRestApiCommand, GetStageCommand } = await import('@aws-sdk/client-api-gateway');
  const apigw = await clients.apiGateway();
  try {
    const api = await apigw.send(new GetRestApiCommand({ restApiId: addr.apiId }), { abortSignal: signal });
    const stage = await apigw.send(new GetStageCommand({ restApiId: addr.apiId, stageName: addr.stage }), { abortSignal: signal });
    return { ...info, apiName: api.name ?? API_NAME, tracingEnabled: stage.tracingEnabled === true };
  } catch {
    // A URL of another account or a typo: the run still goes ahead, without a prediction.
    return info;
  }
}

export async function fetchSamplingRules(clients: Clients, signal: AbortSignal): Promise<SamplingRule[]> {
  const records = await listSamplingRules(await clients.xray(), signal);
  return records.flatMap((r) => (r.SamplingRule ? [r.SamplingRule] : []));
}

/** What is known before the run: the stage and the rules (the count itself needs the run's real rate). */
export interface TracingFacts {
  stage: StageInfo;
  rules?: SamplingRule[];
  reason?: string;
}

export async function tracingFacts(clients: Clients | undefined, url: string, signal: AbortSignal): Promise<TracingFacts> {
  const stage = await describeStage(clients, url, signal);
  if (!clients) return { stage, reason: 'no AWS endpoint to read the sampling rules from' };
  if (stage.tracingEnabled === false) return { stage };
  try {
    return { stage, rules: await fetchSamplingRules(clients, signal) };
  } catch (e) {
    return { stage, reason: `could not read the sampling rules (${(e as Error).name})` };
  }
}

export function expectation(
  facts: TracingFacts,
  run: { url: string; users: string[]; rps: number; durationS: number; warmup: boolean },
): TracingExpectation {
  const { stage } = facts;
  if (stage.tracingEnabled === false) return { stage, prediction: { rules: [], expected: 0, low: 0, high: 0 }, reason: 'tracing is off on the stage' };
  if (!facts.rules) return { stage, prediction: null, reason: facts.reason ?? 'the sampling rules are unknown' };
  const prediction = predictSampled({
    rules: facts.rules,
    base: { serviceName: `${stage.apiName}/${stage.stage}`, serviceType: STAGE_SERVICE_TYPE, host: new URL(run.url).host, httpMethod: 'GET' },
    paths: run.users.map((u) => `/users/${encodeURIComponent(u)}`),
    rps: run.rps,
    durationS: run.durationS,
    sharedFirstSecond: run.warmup,
  });
  return { stage, prediction, ...(stage.tracingEnabled === undefined ? { reason: 'assumes tracing is on (the stage could not be read)' } : {}) };
}

export async function runLabLoad(o: LabRunOptions): Promise<LabRunResult> {
  const facts = o.facts ?? (await tracingFacts(o.clients, o.url, o.signal));
  let first = Infinity;
  let last = -Infinity;
  let maxLag = 0;
  const report = await runLoad({
    onSample: (x) => {
      if (x.error === 'ABORTED') return;
      first = Math.min(first, x.startedMs);
      last = Math.max(last, x.startedMs);
      maxLag = Math.max(maxLag, x.startedMs - x.scheduledMs);
    },
    baseUrl: o.url,
    users: o.users,
    mode: o.mode,
    ...(o.durationMs !== undefined ? { duration: o.durationMs } : {}),
    ...(o.requests !== undefined ? { requests: o.requests } : {}),
    ...(o.warmup ? { warmup: [...LAB_WARMUP_PATHS] } : {}),
    signal: o.signal,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.progressIntervalMs ? { progressIntervalMs: o.progressIntervalMs } : {}),
    ...(o.random ? { random: o.random } : {}),
  });
  // Predict from what really happened: the achieved rate over the real duration.
  const rps = report.durationS > 0 ? report.sent / report.durationS : 0;
  const offeredRps = last > first ? ((report.sent - report.cancelled - 1) * 1000) / (last - first) : 0;
  return { report, schedule: { offeredRps, maxStartLagMs: maxLag }, expectation: expectation(facts, { url: o.url, users: o.users, rps, durationS: report.durationS, warmup: o.warmup }) };
}
