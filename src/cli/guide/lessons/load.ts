/** Step 5's lesson: traffic, and what the sampling rules predict about how much of it is traced. */
import type { LabContext } from '../../../lab/context.js';
import { API_NAME, SAMPLE_ITEM, STAGE_NAME } from '../../../lab/guide.js';
import { STEP_RATE } from '../../../../steps/load.js';
import type { GuideCommand } from '../commands.js';
import type { StepLesson } from '../lesson.js';
import { SOURCES } from '../sources.js';
import { summariesCommand, TIME_WINDOW, recentTraces } from './trace-window.js';
import { curlUser, recordedApi } from './user-api.js';
import { platformNotes } from './platform-notes.js';

/** Requests in the shown loop, at two a second: a few reservoir seconds, quick to paste. */
const LOOP_REQUESTS = 10;

function commands(ctx: LabContext): GuideCommand[] {
  const api = recordedApi(ctx);
  if (!api) return [];
  return [
    curlUser(api.url, SAMPLE_ITEM.userId),
    curlUser(api.url, 'nonexistent'),
    {
      shell: `for i in $(seq 1 ${LOOP_REQUESTS}); do curl -s -o /dev/null -w '%{http_code} ' "${api.url}/users/${SAMPLE_ITEM.userId}"; sleep 0.5; done; echo`,
    },
  ];
}

async function verify(ctx: LabContext): Promise<string[]> {
  const recent = await recentTraces(ctx);
  const list = recent.TraceSummaries;
  const errors = list.filter((t) => t.HasError).length;
  return [
    `GetTraceSummaries: ${list.length} trace${list.length === 1 ? '' : 's'} in the last 10 minutes, ${errors} with an error (a 4xx)`,
    `Newest: ${list[0].Id}, ${list[0].ResponseTime?.toFixed(3) ?? '?'} s, HTTP ${list[0].Http?.HttpStatus ?? '?'}`,
    ...(await platformNotes(ctx, list.map((t) => t.Id))),
  ];
}

export const loadLesson: StepLesson = {
  teaches: [
    `Now traffic flows, and the stage samples it. Each second, the first requests matching the ${API_NAME}/${STAGE_NAME} rule fill its reservoir of 2 and are all traced; of the requests beyond that in the same second, the fixed rate (50%) is traced. So at ${STEP_RATE} requests a second nearly everything is traced, and at 20 a second about 2 + 0.5 × 18 = 11.`,
    'The reservoir keeps quiet services visible (at least a trace or so every second) and the rate keeps busy ones affordable. Predicting the count before looking is a good check that the rule you think applies is the one that matched.',
  ],
  takeaway: 'Traced per second ≈ reservoir + rate × (requests − reservoir): the reservoir first, then the fixed rate.',
  details: [
    `Run sends the lab's test requests (an existing user, a missing one), then ${STEP_RATE} requests a second for a short while over users that exist and one that does not, and compares how many came back with Sampled=1 to what the rules predict.`,
    'The missing user answers 404. The function handles it fine, but API Gateway marks its segment as an error (any 4xx); a 5xx would be a fault. Step 6 filters on exactly that.',
    'On AWS the reservoir is shared by every host serving the rule: each one asks X-Ray for its quota with GetSamplingTargets every 10 seconds, so short bursts can be a little above or below the prediction.',
    'Concurrent requests each need their own execution environment: the first request on a new one is a cold start (an `Initialization` subsegment in the function segment, `Init Duration` in the REPORT log line), later ones reuse it warm. Beyond the concurrency limit Lambda throttles (429) instead of queueing, and API Gateway answers those requests 500. The check below says which of these happened in your traces.',
    '`xray-lab load` runs longer or faster loads and reports the same comparison.',
  ],
  commands,
  sources: [
    { about: 'Reservoir first, then the fixed rate', url: SOURCES.consoleSampling },
    { about: 'Quotas from GetSamplingTargets; the SDK asks every 10 seconds', url: SOURCES.nodeTargetPoller },
    { about: 'ReservoirQuota and Interval of a sampling target', url: SOURCES.samplingTargetDocument },
    { about: 'A 4xx marks the segment as an error, a 5xx as a fault', url: SOURCES.concepts },
  ],
  corrections: [
    {
      guide: 'builds the endpoint from $REGION, set by `aws configure get region`',
      why: 'that reads only the config file, so it is empty when the region comes from AWS_REGION, and the URL breaks; the URL above is the real one, recorded by step 4',
      source: SOURCES.cliConfigureGet,
    },
  ],
  verify,
  checkCommands: () => [TIME_WINDOW, summariesCommand(['--query', 'length(TraceSummaries)'])],
  seeInBrowser: 'See the map you just made: the console draws the service map of these requests, with each node\'s health and latency, and refreshes while traffic flows.',
};
