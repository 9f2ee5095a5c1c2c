/**
 * Did every sampled request of a load run leave a whole trace? Fetches each trace with BatchGetTraces
 * (five ids per call, the API's limit) and checks the lab's shape: the stage segment and its `Lambda`
 * subsegment, the AWS::Lambda segment under it, the function segment under that, the handler's
 * `user_processing` subsegment with its `DynamoDB` call, and the inferred table. X-Ray is eventually
 * consistent (the function's SDK sends over UDP), so incomplete traces are asked again until a deadline.
 */
import { BatchGetTracesCommand, XRayClient } from '@aws-sdk/client-xray';
import { sdkConfig } from './stack.js';

/** What the check reads of a segment document (BatchGetTraces gives subsegments embedded). */
export interface TraceDoc {
  id: string;
  name: string;
  origin?: string;
  parent_id?: string;
  subsegments?: TraceDoc[];
}

/** A document and all its subsegments, depth first. */
export function flatten<D extends { subsegments?: D[] }>(d: D): D[] {
  return [d, ...(d.subsegments ?? []).flatMap((s) => flatten(s))];
}

/** What the trace lacks, in words; empty when it is whole. */
export function missingParts(docs: TraceDoc[]): string[] {
  const byOrigin = (o: string) => docs.find((d) => d.origin === o);
  const stage = byOrigin('AWS::ApiGateway::Stage');
  const invoke = stage?.subsegments?.find((s) => s.name === 'Lambda');
  const service = byOrigin('AWS::Lambda');
  const fn = byOrigin('AWS::Lambda::Function');
  const inFn = fn ? flatten(fn) : [];
  const processing = inFn.find((s) => s.name === 'user_processing');
  const missing: string[] = [];
  if (!stage) missing.push('API Gateway stage segment');
  if (stage && !invoke) missing.push("stage's Lambda subsegment");
  if (!service || (invoke && service.parent_id !== invoke.id)) missing.push('AWS::Lambda segment under the stage');
  if (!fn || (service && fn.parent_id !== service.id)) missing.push('function segment under AWS::Lambda');
  if (!processing) missing.push('user_processing subsegment');
  if (!processing || !flatten(processing).some((s) => s.name === 'DynamoDB')) missing.push('DynamoDB subsegment');
  if (!byOrigin('AWS::DynamoDB::Table')) missing.push('DynamoDB table segment');
  return missing;
}

export interface Completeness {
  checked: number;
  complete: number;
  /** What the incomplete traces lacked, with counts. */
  lacking: Record<string, number>;
}

export async function checkTraces(endpoint: string, traceIds: string[], waitMs = 15_000): Promise<Completeness> {
  const xray = new XRayClient(sdkConfig(endpoint));
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
