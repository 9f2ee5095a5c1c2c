/** A small store of lab-shaped traces with known properties, shared by the filter and summary tests. */
import Database from 'better-sqlite3';
import { TraceStore } from '../../../src/local/xray/store.js';
import { makeLabTrace, seededRandom, type LabTraceOptions } from '../../../src/local/xray/synthetic.js';

export const BASE_MS = 1_700_000_000_000;
export const LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type Letter = (typeof LETTERS)[number];

export const traceIdOf = (l: Letter) => {
  const k = LETTERS.indexOf(l);
  return `1-${Math.floor(BASE_MS / 1000 + k * 10).toString(16)}-00000000000000000000000${k}`;
};
export const letterOf = (id: string): Letter => LETTERS[Number(id.slice(-1))];
const startOf = (l: Letter) => BASE_MS + LETTERS.indexOf(l) * 10_000;

const lab: Partial<Record<Letter, Partial<LabTraceOptions>>> = {
  A: { status: 200, coldStart: true, user: 'alice', accountId: '111111111111' },
  B: { userFound: false },
  C: { status: 502 },
  D: { status: 429 },
  E: { dynamoStatus: 400 },
  G: { dynamoStatus: 429 },
};

/** F: a hand-made, still in-progress, non-lab trace with an EC2 identity and a failing remote call. */
function traceF(): string[] {
  const t = startOf('F') / 1000;
  return [JSON.stringify({
    id: 'f'.repeat(16), trace_id: traceIdOf('F'), name: 'orders-api', start_time: t, in_progress: true, user: 'bob',
    http: { request: { url: 'http://orders.local/api/orders', method: 'POST', user_agent: 'curl/8', client_ip: '10.0.0.9' } },
    annotations: { 'aws.local.operation': 'GET /x', priority: 3 },
    aws: { ec2: { instance_id: 'i-0abc', availability_zone: 'us-east-1a' } },
    subsegments: [{
      id: 'e'.repeat(16), name: 'api.example.com', namespace: 'remote', start_time: t, end_time: t + 2, fault: true,
      http: { request: { url: 'https://api.example.com/v1' }, response: { status: 504 } },
      cause: { exceptions: [{ id: 'd'.repeat(16), type: 'TimeoutError', message: 'upstream timed out', remote: true }] },
    }],
  })];
}

export function fixtureStore(): TraceStore {
  const store = new TraceStore(new Database(':memory:'), { clock: { now: () => BASE_MS + 3_600_000 } });
  for (const l of LETTERS) {
    const docs = l === 'F' ? traceF() : makeLabTrace({ startMs: startOf(l), traceId: traceIdOf(l), random: seededRandom(LETTERS.indexOf(l) + 1), ...lab[l] });
    const out = store.putTraceSegments(docs);
    if (out.UnprocessedTraceSegments.length) throw new Error(JSON.stringify(out.UnprocessedTraceSegments));
  }
  return store;
}
