/** Step 6's lesson: reading traces back: summaries, full traces, filter expressions, the service map. */
import type { LabContext } from '../../../lab/context.js';
import { LabError } from '../../../lab/errors.js';
import { API_NAME, FUNCTION_NAME, STAGE_NAME, TABLE_NAME } from '../../../lab/guide.js';
import { nodeLabel } from '../../../lab/traces/graph-node.js';
import { batchGetTraces, getServiceGraph } from '../../../lab/traces/query.js';
import { ERROR_FILTER, SERVICE_FILTER } from '../../../../steps/traces.js';
import type { GuideCommand } from '../commands.js';
import type { StepLesson } from '../lesson.js';
import { SOURCES } from '../sources.js';
import { recentTraces, summariesCommand, TIME_WINDOW, WINDOW_MS } from './trace-window.js';
import { platformNotes } from './platform-notes.js';

/** A filter on one of the handler's annotations: only possible because annotations are indexed. */
export const ANNOTATION_FILTER = 'annotation.user_found = false';

/** The trace each context's check found, so "check it yourself" shows a real trace id. */
const checkedTrace = new WeakMap<LabContext, string>();

function commands(): GuideCommand[] {
  return [
    TIME_WINDOW,
    summariesCommand(['--query', 'TraceSummaries[0:5].[Id,Duration,ResponseTime,HasError]', '--output', 'table']),
    summariesCommand(['--query', 'TraceSummaries[0].Id', '--output', 'text'], 'TRACE_ID'),
    { args: ['xray', 'batch-get-traces', '--trace-ids', '$TRACE_ID'] },
    summariesCommand(['--filter-expression', ERROR_FILTER, '--query', 'TraceSummaries[].[Id,Http.HttpStatus]', '--output', 'text']),
    summariesCommand(['--filter-expression', SERVICE_FILTER, '--query', 'length(TraceSummaries)']),
    { args: ['xray', 'get-service-graph', '--start-time', '$START', '--end-time', '$END', '--query', 'Services[].[Name,Type]', '--output', 'table'] },
  ];
}

async function verify(ctx: LabContext): Promise<string[]> {
  const recent = await recentTraces(ctx);
  const id = recent.TraceSummaries[0].Id!;
  const xray = await ctx.clients.xray();
  const full = await batchGetTraces(xray, [id], ctx.signal);
  const names = new Set((full.Traces[0]?.Segments ?? []).map((s) => (JSON.parse(s.Document ?? '{}') as { name?: string }).name));
  if (!names.has(`${API_NAME}/${STAGE_NAME}`)) throw new LabError(`Trace ${id} has no segment from the stage ${API_NAME}/${STAGE_NAME} (it has: ${[...names].join(', ')}).`);
  const now = ctx.clock.now();
  const graph = await getServiceGraph(xray, { start: new Date(now - WINDOW_MS), end: new Date(now) }, ctx.signal);
  const nodes = graph.Services.map(nodeLabel);
  if (!graph.Services.some((s) => s.Name === FUNCTION_NAME)) throw new LabError(`The service graph has no ${FUNCTION_NAME} node (it has: ${nodes.join(', ')}).`);
  checkedTrace.set(ctx, id);
  return [
    `BatchGetTraces ${id}: segments ${[...names].join(', ')}`,
    `GetServiceGraph: ${graph.Services.length} nodes: ${nodes.join(', ')}`,
    ...(await platformNotes(ctx, recent.TraceSummaries.map((t) => t.Id))),
  ];
}

export const traceAnalysisLesson: StepLesson = {
  teaches: [
    'GetTraceSummaries lists traces in a time window, one line each (id, duration, response time, error flags); BatchGetTraces returns the full trace: every segment document, with its subsegments, annotations and metadata.',
    `A filter expression narrows the list on the server. \`${ERROR_FILTER}\` keeps traces whose entry segment (the stage) ended with a 4xx, like the missing user; a crash answered with a 502 is a fault, not an error, and would not match. \`${SERVICE_FILTER}\` keeps traces that passed through a node named exactly ${FUNCTION_NAME}; the API's node is ${API_NAME}/${STAGE_NAME}, so that name would not match it. Annotations can be filtered on too (\`${ANNOTATION_FILTER}\`); metadata cannot.`,
    `The service map (GetServiceGraph) is built from the same segments: client → ${API_NAME}/${STAGE_NAME} → ${FUNCTION_NAME} (the Lambda service) → ${FUNCTION_NAME} (the function) → ${TABLE_NAME}, each edge with counts of ok, error and fault calls and response times.`,
  ],
  takeaway: 'Summaries find traces, BatchGetTraces shows one in full, filter expressions (on errors, services, annotations) select them, and the service graph sums them up.',
  details: [
    'Start and end are epoch seconds. The range type says which time must fall in the window: TraceId the trace\'s start time (it is part of the id), Event the trace\'s update time, Service the segment\'s end time.',
    `${FUNCTION_NAME} appears twice on the map: AWS::Lambda (the service accepting the invocation) and AWS::Lambda::Function (your code running). service() matches both; service(id(name: "${FUNCTION_NAME}", type: "AWS::Lambda::Function")) picks one.`,
    `DynamoDB sends no segments: X-Ray infers one from each DynamoDB subsegment the function recorded. In the full trace that inferred segment is named DynamoDB (origin AWS::DynamoDB::Table); only the service graph's node carries the table name, ${TABLE_NAME}, read from the subsegment's aws.table_name. AWS's Node.js SDK page warns that AWS SDK v3 clients may not record the table name; aws-xray-sdk-core 3.12, used here, does.`,
    `Where the time goes: the handler's own work (user_processing) should dominate. A slow ${FUNCTION_NAME} (AWS::Lambda::Function) node with an Initialization subsegment is a cold start; a throttled call shows on the ${API_NAME}/${STAGE_NAME} → ${FUNCTION_NAME} edge as a 429 throttle. \`xray-lab traces analyze\` counts both.`,
    'On AWS, a trace is searchable some seconds to a minute after the request, so an empty answer right after the load may just be early.',
    "The START/END line uses GNU date (Linux, CloudShell); on macOS write START=$(date -v-10M +%s) instead.",
  ],
  commands,
  sources: [
    { about: 'GetTraceSummaries, its time range types and BatchGetTraces', url: SOURCES.getTraceSummaries },
    { about: 'Filter expressions: error, fault, service(), id(), annotations', url: SOURCES.filters },
    { about: 'GetServiceGraph: nodes, edges and their statistics', url: SOURCES.getServiceGraph },
    { about: 'The client node has Type "client" and no name', url: SOURCES.apiTutorial },
    { about: 'The inferred DynamoDB segment is named DynamoDB', url: SOURCES.apiGettingData },
    { about: 'AWS SDK v3 clients may not record the table name', url: SOURCES.nodeSdkAwsClients },
    { about: 'Lambda records AWS::Lambda and AWS::Lambda::Function segments', url: SOURCES.lambdaXray },
  ],
  corrections: [
    {
      guide: 'passes `--time-range-type TimeRangeByStartTime`',
      why: 'the CLI sends it unchecked and the X-Ray API rejects it: the API accepts only TraceId, Event or Service; TraceId (the start of each trace) is what it means',
      source: SOURCES.getTraceSummaries,
    },
    {
      guide: 'looks for failed requests with `error = true`',
      why: 'it matches a 4xx at the entry point only; use `fault = true` for 5xx, or service() { error } for an error in any service',
      source: SOURCES.filters,
    },
    {
      guide: `filters with \`${SERVICE_FILTER}\``,
      why: `that matches a node by its exact name: both Lambda nodes of ${FUNCTION_NAME}, never the API's node ${API_NAME}/${STAGE_NAME}`,
      source: SOURCES.filters,
    },
  ],
  verify,
  seeInBrowser: `The same queries in the X-Ray console's views: the map, the trace list with these filters (click them on the Lab page), and each trace's timeline with user_processing and its annotations.`,
  checkCommands: (ctx) => {
    const id = checkedTrace.get(ctx);
    return [
      ...(id ? [{ args: ['xray', 'batch-get-traces', '--trace-ids', id, '--query', 'Traces[0].Segments[].Document', '--output', 'text'] }] : []),
      TIME_WINDOW,
      summariesCommand(['--filter-expression', ANNOTATION_FILTER, '--query', 'TraceSummaries[].[Id,Http.HttpStatus]', '--output', 'text']),
      summariesCommand(['--filter-expression', `service(id(name: "${FUNCTION_NAME}", type: "AWS::Lambda::Function"))`, '--query', 'length(TraceSummaries)']),
    ];
  },
};
