/** `traces show <id>`: one full trace (BatchGetTraces) as a waterfall, or the API's JSON. */
import { UserError } from '../../../lab/errors.js';
import { pollWithBackoff } from '../../../lab/traces/poll.js';
import { batchGetTraces } from '../../../lab/traces/query.js';
import { checkTraceId, parseWait } from '../../../lab/traces/window.js';
import { renderWaterfall } from '../../render/waterfall.js';
import { openQuerySession, renderOptions, type TraceFlags } from './common.js';

export async function tracesShowCommand(traceId: string, flags: TraceFlags): Promise<void> {
  const id = checkTraceId(traceId);
  if (flags.wait !== undefined) parseWait(flags.wait);
  const s = await openQuerySession(flags);
  try {
    const { value, ready } = await pollWithBackoff(s, () => batchGetTraces(s.xray, [id], s.signal), {
      budgetMs: s.waitMs,
      ready: (r) => r.Traces.length > 0,
      waiting: `Waiting for trace ${id} to appear in X-Ray`,
    });
    if (!ready) {
      const where = s.config.target === 'aws' ? `X-Ray in ${s.config.region}` : 'the local cloud';
      throw new UserError(`There is no trace ${id} in ${where} (traces can take a minute to appear on AWS, and are kept 30 days).`);
    }
    s.io.result(value, renderWaterfall(value.Traces[0], renderOptions()));
  } finally {
    s.close();
  }
}
