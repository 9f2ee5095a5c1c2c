/** What the Lambda platform added to the learner's own recent traces (cold starts, throttles, the local cloud's opt-in queue), in words. */
import type { LabContext } from '../../../lab/context.js';
import { analyzeTraces } from '../../../lab/analysis/bottleneck.js';
import { batchGetTraces } from '../../../lab/traces/query.js';

/** BatchGetTraces takes 5 ids a call; this many traces say enough without a long wait. */
const SAMPLE = 25;

export async function platformNotes(ctx: LabContext, traceIds: (string | undefined)[]): Promise<string[]> {
  const ids = traceIds.filter((id): id is string => id !== undefined).slice(0, SAMPLE);
  if (ids.length === 0) return [];
  const { Traces } = await batchGetTraces(await ctx.clients.xray(), ids, ctx.signal);
  const { notes } = analyzeTraces(Traces).platform;
  return notes.length > 0
    ? notes.map((n) => `In the newest ${Traces.length} traces: ${n}`)
    : [`In the newest ${Traces.length} traces: no cold start and no throttled invocation (every request found a warm environment).`];
}
