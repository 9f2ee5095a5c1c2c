/** The last ten minutes of traces, as the lessons of steps 5 and 6 query and show them. */
import type { LabContext } from '../../../lab/context.js';
import { LabError } from '../../../lab/errors.js';
import { defaultWaitMs, pollWithBackoff } from '../../../lab/traces/poll.js';
import { getTraceSummaries, type SummariesResult } from '../../../lab/traces/query.js';
import type { AwsCommand, GuideCommand } from '../commands.js';

export const WINDOW_MS = 10 * 60_000;

/**
 * Sets START and END (epoch seconds) for the commands after it. GNU date; on macOS the first is
 * `date -v-10M +%s`.
 */
export const TIME_WINDOW: GuideCommand = { shell: "START=$(date -d '10 minutes ago' +%s); END=$(date +%s)" };

/** get-trace-summaries over $START..$END; TraceId is the range type the lab means (by the trace's start). */
export function summariesCommand(extra: string[], assignTo?: string): AwsCommand {
  return {
    args: ['xray', 'get-trace-summaries', '--start-time', '$START', '--end-time', '$END', '--time-range-type', 'TraceId', ...extra],
    ...(assignTo ? { assignTo } : {}),
  };
}

/** Recent trace summaries, waiting (on AWS up to a minute) until at least one is indexed; throws when none. */
export async function recentTraces(ctx: LabContext, filter?: string): Promise<SummariesResult> {
  const xray = await ctx.clients.xray();
  const query = (): Promise<SummariesResult> => {
    const now = ctx.clock.now();
    return getTraceSummaries(xray, { start: new Date(now - WINDOW_MS), end: new Date(now), limit: 1_000, ...(filter ? { filter } : {}) }, ctx.signal);
  };
  const found = await pollWithBackoff(ctx, query, {
    budgetMs: defaultWaitMs(ctx.target),
    ready: (r) => r.TraceSummaries.length > 0,
    waiting: 'Waiting for traces to appear in X-Ray',
  });
  if (!found.ready) throw new LabError(`GetTraceSummaries finds no trace${filter ? ` matching ${filter}` : ''} in the last 10 minutes.`);
  return found.value;
}
