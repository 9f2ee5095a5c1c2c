/**
 * Step 6: the lab guide's trace queries (recent summaries, one full trace, `error = true`,
 * `service("user-service")`) plus the service graph, each shown with the AWS CLI command that does
 * the same with real values. The guide's `--time-range-type TimeRangeByStartTime` is not a valid
 * value; `TraceId` is what it means (https://docs.aws.amazon.com/xray/latest/api/API_GetTraceSummaries.html). Creates nothing, so it has no teardown.
 */
import type { Trace, TraceSummary } from '@aws-sdk/client-xray';
import { API_STEP_ID } from './user-api.js';
import type { LabContext, LabStep, StepOutcome } from '../src/lab/context.js';
import { FUNCTION_NAME } from '../src/lab/guide.js';
import { batchGetTracesCli, getServiceGraphCli, getTraceSummariesCli, type CliTarget } from '../src/lab/traces/aws-cli.js';
import { defaultWaitMs, pollWithBackoff } from '../src/lab/traces/poll.js';
import { batchGetTraces, getServiceGraph, getTraceSummaries, type ServiceGraphResult, type SummariesResult } from '../src/lab/traces/query.js';
import type { TimeWindow } from '../src/lab/traces/window.js';
import { describeGraph, describeSummaries, describeTrace } from './traces-text.js';

export const TRACES_STEP_ID = 'trace-analysis';
/** The guide looks at the last ten minutes. */
export const STEP6_WINDOW_MS = 10 * 60_000;
/** Enough for the counts; the guide itself only looks at the first five. */
const SUMMARY_LIMIT = 1_000;
export const ERROR_FILTER = 'error = true';
export const SERVICE_FILTER = `service("${FUNCTION_NAME}")`;
const GUIDE_QUERY = 'TraceSummaries[0:5].[Id,Duration,ResponseTime,HasError]';

interface QueryRecord {
  name: string;
  awsCli: string;
  result: unknown;
}

const windowAt = (now: number): TimeWindow => ({ start: new Date(now - STEP6_WINDOW_MS), end: new Date(now) });

async function run(ctx: LabContext): Promise<StepOutcome> {
  const xray = await ctx.clients.xray();
  const target: CliTarget = { region: ctx.region, ...(ctx.config.endpoint ? { endpoint: ctx.config.endpoint } : {}) };
  let window = windowAt(ctx.clock.now());
  const summaries = (filter?: string): Promise<SummariesResult> =>
    getTraceSummaries(xray, { ...window, limit: SUMMARY_LIMIT, ...(filter !== undefined ? { filter } : {}) }, ctx.signal);

  const recent = await pollWithBackoff(
    ctx,
    () => {
      window = windowAt(ctx.clock.now());
      return summaries();
    },
    { budgetMs: defaultWaitMs(ctx.target), ready: (r) => r.TraceSummaries.length > 0, waiting: 'Waiting for traces to appear in X-Ray' },
  );
  const queries: QueryRecord[] = [];
  const notes: string[] = [];
  const add = (name: string, awsCli: string, result: unknown, text: string): void => {
    queries.push({ name, awsCli, result });
    notes.push(`${text}\n    $ ${awsCli}`);
  };

  add('recent-summaries', getTraceSummariesCli(window, { query: GUIDE_QUERY, output: 'table' }, target), recent.value, describeSummaries('Recent traces (last 10 minutes)', recent.value, 5));

  const first: TraceSummary | undefined = recent.value.TraceSummaries[0];
  let trace: Trace | undefined;
  if (first?.Id) {
    const full = await batchGetTraces(xray, [first.Id], ctx.signal);
    trace = full.Traces[0];
    add('full-trace', batchGetTracesCli([first.Id], target), full, describeTrace(first.Id, trace));
  }

  const errors = await summaries(ERROR_FILTER);
  add('errors', getTraceSummariesCli(window, { filter: ERROR_FILTER }, target), errors, describeSummaries(`Traces matching \`${ERROR_FILTER}\` (4xx at API Gateway; an unhandled exception is a fault, 5xx)`, errors, 3));

  const service = await summaries(SERVICE_FILTER);
  add('service', getTraceSummariesCli(window, { filter: SERVICE_FILTER }, target), service, describeSummaries(`Traces matching \`${SERVICE_FILTER}\``, service, 0));

  const graph: ServiceGraphResult = await getServiceGraph(xray, window, ctx.signal);
  add('service-graph', getServiceGraphCli(window, target), graph, describeGraph(graph.Services));

  const n = recent.value.TraceSummaries.length;
  const summary =
    n === 0
      ? `No traces in the last 10 minutes yet: send requests to the API (xray-lab load), then run step 6 again.`
      : `${n} trace${n === 1 ? '' : 's'} in the last 10 minutes, ${errors.TraceSummaries.length} with errors, ${service.TraceSummaries.length} through ${FUNCTION_NAME}; ${graph.Services.length} nodes in the service graph.`;
  return {
    summary,
    details: { StartTime: window.start, EndTime: window.end, queries },
    notes: [...notes, 'Explore further: xray-lab traces, xray-lab traces show <id>, xray-lab traces map, xray-lab traces analyze.'],
  };
}

export const tracesStep: LabStep = {
  id: TRACES_STEP_ID,
  number: 6,
  title: 'Analyse traces',
  // Traces come from requests to the API; with no API there is nothing to analyse.
  requires: [API_STEP_ID],
  readOnly: true,
  run,
};
