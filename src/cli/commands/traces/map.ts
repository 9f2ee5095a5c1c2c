/** `traces map`: GetServiceGraph for a window as a tree of nodes and edges, or the API's JSON. */
import { pollWithBackoff } from '../../../lab/traces/poll.js';
import { getServiceGraph } from '../../../lab/traces/query.js';
import { renderServiceMap } from '../../render/service-map.js';
import { checkCommonFlags, openQuerySession, renderOptions, windowAt, type TraceFlags } from './common.js';

export const MAP_DEFAULT_SINCE = '1h';

export async function tracesMapCommand(flags: TraceFlags): Promise<void> {
  checkCommonFlags(flags, MAP_DEFAULT_SINCE);
  const s = await openQuerySession(flags);
  try {
    const { value } = await pollWithBackoff(s, () => getServiceGraph(s.xray, windowAt(flags, s.clock, MAP_DEFAULT_SINCE), s.signal), {
      budgetMs: s.waitMs,
      ready: (r) => r.Services.length > 0,
      waiting: 'Waiting for the service graph to appear in X-Ray',
    });
    s.io.result(value, renderServiceMap(value.Services, renderOptions()));
  } finally {
    s.close();
  }
}
