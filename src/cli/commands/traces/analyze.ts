/**
 * `traces analyze`: "where is the bottleneck?" over the traces matching a window and filter. The
 * summaries pick the traces (newest first, up to --limit), BatchGetTraces fetches them in fives, and
 * the analysis (src/lab/analysis) attributes self time to every segment and subsegment.
 */
import { analyzeTraces } from '../../../lab/analysis/bottleneck.js';
import { pollWithBackoff } from '../../../lab/traces/poll.js';
import { batchGetTraces, getTraceSummaries } from '../../../lab/traces/query.js';
import { parseLimit } from '../../../lab/traces/window.js';
import { renderAnalysis } from '../../render/analysis.js';
import { checkCommonFlags, openQuerySession, renderOptions, windowAt, type TraceFlags } from './common.js';

export const ANALYZE_DEFAULT_SINCE = '1h';
export const ANALYZE_DEFAULT_LIMIT = 200;

export async function tracesAnalyzeCommand(flags: TraceFlags): Promise<void> {
  const limit = parseLimit(flags.limit, ANALYZE_DEFAULT_LIMIT);
  checkCommonFlags(flags, ANALYZE_DEFAULT_SINCE);
  const s = await openQuerySession(flags);
  try {
    let window = windowAt(flags, s.clock, ANALYZE_DEFAULT_SINCE);
    const { value: summaries } = await pollWithBackoff(
      s,
      () => getTraceSummaries(s.xray, { ...(window = windowAt(flags, s.clock, ANALYZE_DEFAULT_SINCE)), filter: flags.filter, limit }, s.signal),
      {
        budgetMs: s.waitMs,
        ready: (r) => r.TraceSummaries.length > 0 || (flags.filter !== undefined && (r.TracesProcessedCount ?? 0) > 0),
        waiting: 'Waiting for traces to appear in X-Ray',
      },
    );
    const ids = summaries.TraceSummaries.map((t) => t.Id).filter((id): id is string => id !== undefined);
    const task = ids.length > 5 ? s.io.task(`Fetching ${ids.length} traces`) : undefined;
    const { Traces, UnprocessedTraceIds } = await batchGetTraces(s.xray, ids, s.signal);
    task?.succeed(`Fetched ${Traces.length} traces`);
    const report = analyzeTraces(Traces);
    const data = {
      StartTime: window.start,
      EndTime: window.end,
      ...(flags.filter !== undefined ? { FilterExpression: flags.filter } : {}),
      TracesMatched: ids.length,
      TracesAnalyzed: Traces.length,
      UnprocessedTraceIds,
      ...(summaries.NextToken ? { Truncated: true } : {}),
      Report: report,
    };
    const note = summaries.NextToken ? `\n(analysed the newest ${limit} matching traces; raise --limit for more)` : '';
    s.io.result(data, renderAnalysis(report, renderOptions()) + note);
  } finally {
    s.close();
  }
}
