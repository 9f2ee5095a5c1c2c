/** `traces [list]`: GetTraceSummaries for a window (and filter) as a table, or the API's JSON. */
import { pollWithBackoff } from '../../../lab/traces/poll.js';
import { getTraceSummaries } from '../../../lab/traces/query.js';
import { parseLimit } from '../../../lab/traces/window.js';
import { renderTraceTable } from '../../render/trace-table.js';
import { checkCommonFlags, openQuerySession, renderOptions, windowAt, type TraceFlags } from './common.js';

export const LIST_DEFAULT_SINCE = '10m';
export const LIST_DEFAULT_LIMIT = 50;

export async function tracesListCommand(flags: TraceFlags): Promise<void> {
  const limit = parseLimit(flags.limit, LIST_DEFAULT_LIMIT);
  checkCommonFlags(flags, LIST_DEFAULT_SINCE);
  const s = await openQuerySession(flags);
  try {
    const { value } = await pollWithBackoff(
      s,
      () => getTraceSummaries(s.xray, { ...windowAt(flags, s.clock, LIST_DEFAULT_SINCE), filter: flags.filter, limit }, s.signal),
      {
        budgetMs: s.waitMs,
        // With a filter, "X-Ray has indexed traces in the window" is enough: none may match.
        ready: (r) => r.TraceSummaries.length > 0 || (flags.filter !== undefined && (r.TracesProcessedCount ?? 0) > 0),
        waiting: 'Waiting for traces to appear in X-Ray',
      },
    );
    const more = value.NextToken ? `\n(showing the newest ${limit}; raise --limit for more)` : '';
    s.io.result(value, renderTraceTable(value.TraceSummaries, renderOptions()) + more);
  } finally {
    s.close();
  }
}
