/**
 * Child process of the xray-million benchmark: starts the local cloud in this process on a data dir
 * (so this process's RSS is the cloud's), times the start, runs the lab's queries through the SDK
 * client and prints one JSON line. Run as `node --import tsx bench/lib/xray-open-child.ts <dataDir>`.
 */
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { startLocalCloud } from '../../src/local/server.js';
import { sdkConfig } from './stack.js';
import { FILTERS } from './traces.js';
import { listToEnd, medianMs } from './xray-calls.js';

const dataDir = process.argv[2];
const reps = Number(process.argv[3] ?? 3);
const c0 = process.cpuUsage();
const t0 = performance.now();
const cloud = await startLocalCloud({ port: 0, daemonPort: 0, dataDir });
const startMs = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const rssAfterOpen = process.memoryUsage().rss / 1048576;
const client = new XRayClient(sdkConfig(cloud.endpoint));
const nowS = Date.now() / 1000;
const month = { StartTime: new Date((nowS - 31 * 86_400) * 1000), EndTime: new Date((nowS + 60) * 1000) };
const sixHours = { StartTime: new Date((nowS - 6 * 3600) * 1000), EndTime: month.EndTime };
const firstPages: number[] = [];
for (const f of FILTERS) firstPages.push(await medianMs(reps, () => client.send(new GetTraceSummariesCommand({ ...month, FilterExpression: f }))));
const graph6hMs = await medianMs(reps, () => client.send(new GetServiceGraphCommand(sixHours)));
const ids = (await client.send(new GetTraceSummariesCommand(month))).TraceSummaries!.slice(0, 5).map((s) => s.Id!);
const batchGetMs = await medianMs(reps, () => client.send(new BatchGetTracesCommand({ TraceIds: ids })));
// 300 pages of a filter matching every trace: the cost of a page as the cursor goes deeper.
const pages = await listToEnd(client, { ...month, FilterExpression: FILTERS[0] }, process.pid, 300);
const rss = process.memoryUsage().rss / 1048576;
const traces = cloud.env.db.prepare('SELECT COUNT(*) AS n FROM xray_summaries').get() as { n: number };
process.stdout.write(`${JSON.stringify({ startMs, startCpuMs: (cpu.user + cpu.system) / 1000, rssAfterOpen, rss, firstPages, graph6hMs, batchGetMs, pages, traces: traces.n })}\n`);
client.destroy();
await cloud.close();
