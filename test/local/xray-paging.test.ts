/**
 * GetTraceSummaries paging through the real SDK paginator: following NextToken returns the one-shot
 * answer, each trace once, newest first, even while new traces keep arriving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetTraceSummariesCommand, PutTraceSegmentsCommand, XRayClient, paginateGetTraceSummaries, type TraceSummary } from '@aws-sdk/client-xray';
import type { LocalCloud } from '../../src/local/server.js';
import { makeLabTrace, makeTraceId, seededRandom } from '../../src/local/xray/synthetic.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';

const MATCHING = 5_000;
const OTHERS = 1_000;
const BASE_MS = Date.now() - 3_600_000;

let cloud: LocalCloud;
let xray: XRayClient;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
});
afterAll(async () => {
  xray.destroy();
  await cloud.close();
});

/** Lab traces, several sharing each start millisecond so ties are broken by id; returns their ids. */
async function put(count: number, status: number, seed: number, startMs: (i: number) => number): Promise<string[]> {
  const rnd = seededRandom(seed);
  const ids: string[] = [];
  let docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const ms = startMs(i);
    const traceId = makeTraceId(ms / 1000, rnd);
    ids.push(traceId);
    docs.push(...makeLabTrace({ startMs: ms, traceId, status, random: rnd }));
    if (docs.length >= 50 || i === count - 1) {
      const out = await xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: docs }));
      expect(out.UnprocessedTraceSegments ?? []).toEqual([]);
      docs = [];
    }
  }
  return ids;
}

describe('GetTraceSummaries paging', () => {
  it('returns each of 5,000 matching traces once, newest first, while new traces arrive', async () => {
    const matching = await put(MATCHING, 200, 1, (i) => BASE_MS + Math.floor(i / 3) * 500);
    await put(OTHERS, 404, 2, (i) => BASE_MS + i * 1_500 + 7);
    const window = { StartTime: new Date(BASE_MS - 60_000), EndTime: new Date(BASE_MS + 3_000_000) };
    const filter = { ...window, FilterExpression: 'http.status = 200' };

    const seen: TraceSummary[] = [];
    let processed = 0;
    let pages = 0;
    for await (const page of paginateGetTraceSummaries({ client: xray }, { ...filter })) {
      seen.push(...page.TraceSummaries!);
      processed += page.TracesProcessedCount!;
      // Newer traces arriving between pages sort before the cursor: they must not shift what follows.
      if (++pages === 3) await put(200, 200, 3, (i) => BASE_MS + 2_600_000 + i * 10);
    }

    expect(pages).toBeGreaterThanOrEqual(MATCHING / 100);
    const ids = seen.map((s) => s.Id!);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...matching].sort());
    for (let i = 1; i < seen.length; i++) expect(seen[i].StartTime!.getTime()).toBeLessThanOrEqual(seen[i - 1].StartTime!.getTime());
    // Every trace of the window is processed once over the whole listing (the late 200 sort above the cursor).
    expect(processed).toBe(MATCHING + OTHERS);

    // The one-shot answer over the same data: the traces of the window that match, none twice.
    const all = new Set<string>();
    for await (const page of paginateGetTraceSummaries({ client: xray }, { ...filter })) for (const s of page.TraceSummaries!) all.add(s.Id!);
    expect(all.size).toBe(MATCHING + 200);
  }, 120_000);

  it('rejects a NextToken it did not issue with a clear InvalidRequestException', async () => {
    const err = await xray
      .send(new GetTraceSummariesCommand({ StartTime: new Date(BASE_MS), EndTime: new Date(BASE_MS + 1000), NextToken: 'garbage' }))
      .catch((e: Error) => e);
    expect((err as Error).name).toBe('InvalidRequestException');
    expect((err as Error).message).toMatch(/NextToken/);
  });
});
