/**
 * Stopping the local cloud writes the X-Ray index as a snapshot and empties its journal, so the next
 * start copies blocks instead of replaying one row per trace (issue 16: reopen a million traces in
 * ≤ 5 s); a stop with nothing new since the last snapshot writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { GetTraceSummariesCommand, PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { makeLabTrace, seededRandom } from '../../src/local/xray/synthetic.js';
import { clientConfig, tempDir, withLocalCloud } from '../support/local-cloud.js';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

/** Rows of the snapshot and of the journal (records and drops) in the data dir's database. */
function persisted(dataDir: string) {
  const db = new Database(join(dataDir, 'local-cloud.sqlite'), { readonly: true });
  try {
    const n = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    const written = (db.prepare('SELECT GROUP_CONCAT(LENGTH(data)) AS v FROM xray_snapshot').get() as { v: string | null }).v;
    return { snapshotParts: n('xray_snapshot'), journal: n('xray_index') + n('xray_dropped'), written };
  } finally {
    db.close();
  }
}

describe('X-Ray store on stop', () => {
  it('snapshots the index and empties the journal, then reopens from the snapshot alone', async () => {
    const dir = tempDir('xray-stop-snapshot-');
    dirs.push(dir);
    const baseMs = Date.now() - 600_000;
    const window = { StartTime: new Date(baseMs - 60_000), EndTime: new Date(baseMs + 600_000) };
    const random = seededRandom(21);

    let cloud = await withLocalCloud({ dataDir: dir.path });
    let xray = new XRayClient(clientConfig(cloud));
    for (let i = 0; i < 30; i++) {
      await xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: makeLabTrace({ startMs: baseMs + i * 5_000, random, status: i % 3 === 0 ? 502 : 200 }) }));
    }
    const before = (await xray.send(new GetTraceSummariesCommand(window))).TraceSummaries!;
    // While it runs, each trace's record is a journal row (a new store starts with an empty snapshot).
    expect(persisted(dir.path)).toMatchObject({ snapshotParts: 1, journal: 30 });
    xray.destroy();
    await cloud.close();

    const afterStop = persisted(dir.path);
    // Part 0 (totals and texts) and one block of 30 traces.
    expect(afterStop).toMatchObject({ snapshotParts: 2, journal: 0 });

    cloud = await withLocalCloud({ dataDir: dir.path });
    xray = new XRayClient(clientConfig(cloud));
    const after = (await xray.send(new GetTraceSummariesCommand(window))).TraceSummaries!;
    xray.destroy();
    await cloud.close();
    expect(after).toEqual(before);
    // Nothing changed while it ran: the stop left the snapshot as it was.
    expect(persisted(dir.path)).toEqual(afterStop);
  }, 60_000);
});
