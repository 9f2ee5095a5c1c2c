/**
 * Test support for the trace commands: puts lab-shaped traces (the local X-Ray engine's synthetic
 * documents: stage → Lambda → function → handler subsegments → DynamoDB) into a local cloud through
 * the real SDK's PutTraceSegments, as a traced request would.
 */
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { makeLabTrace, seededRandom } from '../../../src/local/xray/synthetic.js';
import { clientConfig } from '../../support/local-cloud.js';

export interface LabTraceSpec {
  status?: number;
  userFound?: boolean;
}

/** The mix a learner's load produces: mostly 200s, some unknown users (404), one crash (502). */
export const LAB_MIX: LabTraceSpec[] = [
  ...Array.from({ length: 9 }, () => ({})),
  { userFound: false },
  { userFound: false },
  { status: 502 },
];

/** Puts one trace per spec, a second apart, starting `agoMs` before now; returns their ids, oldest first. */
export async function putLabTraces(cloud: { endpoint: string }, specs: LabTraceSpec[], agoMs = 120_000, seed = 1): Promise<string[]> {
  const xray = new XRayClient(clientConfig(cloud));
  const base = Math.floor((Date.now() - agoMs) / 1000) * 1000;
  const ids: string[] = [];
  try {
    for (const [i, spec] of specs.entries()) {
      const docs = makeLabTrace({ startMs: base + i * 1000, random: seededRandom(seed + i), ...spec });
      const out = await xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: docs }));
      if (out.UnprocessedTraceSegments?.length) throw new Error(`segments refused: ${JSON.stringify(out.UnprocessedTraceSegments)}`);
      ids.push((JSON.parse(docs[0]) as { trace_id: string }).trace_id);
    }
  } finally {
    xray.destroy();
  }
  return ids;
}

/** Terminal output made comparable: trace ids, hex ids, clock times and durations replaced. */
export function normalise(text: string): string {
  return text
    .replace(/1-[0-9a-f]{8}-[0-9a-f]{24}/g, '<trace-id>')
    .replace(/\b[0-9a-f]{16,32}\b/g, '<id>')
    .replace(/\d{4}-\d{2}-\d{2} /g, '')
    .replace(/\d{2}:\d{2}:\d{2}\.\d{3}/g, '<time>')
    .replace(/[+]?\d+(\.\d+)? (ms|s)\b/g, '<dur>')
    // Padding before a duration depends on its digits: collapse it so the snapshot only sees layout.
    .replace(/ +<dur>/g, ' <dur>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
}
