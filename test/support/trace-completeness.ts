/**
 * Did every sampled request of a load run leave a whole trace? Fetches each trace with BatchGetTraces
 * (five ids per call, the API's limit) and checks the lab's shape: the stage segment and its `Lambda`
 * subsegment, the AWS::Lambda segment under it, the function segment under that, the handler's
 * `user_processing` subsegment with its `DynamoDB` call, and the inferred table. X-Ray is eventually
 * consistent (the function's SDK sends over UDP), so incomplete traces are asked again until a deadline.
 */
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { missingParts, type TraceDoc } from './lab-trace-shape.js';
import { clientConfig } from './local-cloud.js';

export { flatten, missingParts, type TraceDoc } from '../../test/support/lab-trace-shape.js';

export interface Completeness {
  checked: number;
  complete: number;
  /** What the incomplete traces lacked, with counts. */
  lacking: Record<string, number>;
}

export async function checkTraces(endpoint: string, traceIds: string[], waitMs = 15_000): Promise<Completeness> {
  const xray = new XRayClient(clientConfig({ endpoint }));
  const unique = [...new Set(traceIds)];
  let pending = unique;
  let lacking: Record<string, number> = {};
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const still: string[] = [];
      lacking = {};
      for (let i = 0; i < pending.length; i += 5) {
        const ids = pending.slice(i, i + 5);
        const { Traces = [] } = await xray.send(new BatchGetTracesCommand({ TraceIds: ids }));
        for (const id of ids) {
          const docs = (Traces.find((t) => t.Id === id)?.Segments ?? []).map((s) => JSON.parse(s.Document ?? '{}') as TraceDoc);
          const missing = missingParts(docs);
          if (missing.length === 0) continue;
          still.push(id);
          for (const m of missing) lacking[m] = (lacking[m] ?? 0) + 1;
        }
      }
      pending = still;
      if (pending.length === 0 || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    xray.destroy();
  }
  return { checked: unique.length, complete: unique.length - pending.length, lacking };
}
