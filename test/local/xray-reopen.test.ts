/**
 * A local cloud closed and started again on the same data dir answers X-Ray queries exactly as before:
 * the persisted compact records stand in for the documents, including traces whose documents arrived
 * in parts (independent subsegments in later calls) and inferred segments (DynamoDB).
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import {
  BatchGetTracesCommand, GetServiceGraphCommand, GetTraceGraphCommand, GetTraceSummariesCommand, PutTraceSegmentsCommand, XRayClient,
  paginateGetTraceSummaries,
} from '@aws-sdk/client-xray';
import { makeLabTrace, makeTraceId, seededRandom } from '../../src/local/xray/synthetic.js';
import { clientConfig, tempDir, withLocalCloud } from '../support/local-cloud.js';

const BASE_MS = Date.now() - 1_800_000;
const window = { StartTime: new Date(BASE_MS - 60_000), EndTime: new Date(BASE_MS + 1_200_000) };
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

/** Everything a user can read back about the stored traces. */
async function snapshot(xray: XRayClient, ids: string[]) {
  const summaries = [];
  for await (const page of paginateGetTraceSummaries({ client: xray }, { ...window })) summaries.push(...page.TraceSummaries!);
  const filtered = await xray.send(new GetTraceSummariesCommand({ ...window, FilterExpression: 'service("UserProfiles") { error } OR fault' }));
  const graph = await xray.send(new GetServiceGraphCommand(window));
  const traceGraph = await xray.send(new GetTraceGraphCommand({ TraceIds: ids.slice(0, 3) }));
  const batches = [];
  for (let i = 0; i < ids.length; i += 5) batches.push((await xray.send(new BatchGetTracesCommand({ TraceIds: ids.slice(i, i + 5) }))).Traces);
  const strip = <T extends { $metadata?: unknown }>(o: T) => ({ ...o, $metadata: undefined });
  return { summaries, filtered: strip(filtered), graph: strip(graph), traceGraph: strip(traceGraph), batches };
}

async function withCloud<T>(dataDir: string, fn: (xray: XRayClient) => Promise<T>): Promise<T> {
  const cloud = await withLocalCloud({ dataDir });
  const xray = new XRayClient(clientConfig(cloud));
  try {
    return await fn(xray);
  } finally {
    xray.destroy();
    await cloud.close();
  }
}

describe('X-Ray store reopen', () => {
  it('answers the same summaries, graphs and traces after a restart', async () => {
    const dir = tempDir('xray-reopen-');
    dirs.push(dir);
    const rnd = seededRandom(7);
    const ids: string[] = [];
    const before = await withCloud(dir.path, async (xray) => {
      for (let i = 0; i < 60; i++) {
        const ms = BASE_MS + i * 9_000;
        const traceId = makeTraceId(ms / 1000, rnd);
        ids.push(traceId);
        const status = [200, 404, 502, 429][i % 4];
        const docs = makeLabTrace({ startMs: ms, traceId, status, dynamoStatus: i % 7 === 0 ? 400 : 200, random: rnd, user: `u${i % 5}` });
        // Every third trace arrives in parts: the handler's subsegments first, the segments a call later.
        const parts = i % 3 === 0 ? [docs.slice(2), docs.slice(0, 2)] : [docs];
        for (const p of parts) await xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: p }));
      }
      return snapshot(xray, ids);
    });
    expect(before.summaries).toHaveLength(60);
    expect(before.batches.flat().some((t) => t!.Segments!.some((s) => JSON.parse(s.Document!).inferred === true))).toBe(true);
    expect(before.summaries.some((s) => s.Revision === 5)).toBe(true);

    const after = await withCloud(dir.path, (xray) => snapshot(xray, ids));
    expect(after).toEqual(before);

    // A store whose records are of another (or no) format rebuilds them from its documents, same answers.
    const db = new Database(join(dir.path, 'local-cloud.sqlite'));
    db.exec("DELETE FROM xray_meta WHERE key = 'index_format'");
    db.close();
    const rebuilt = await withCloud(dir.path, (xray) => snapshot(xray, ids));
    expect(rebuilt).toEqual(before);
  }, 60_000);
});
