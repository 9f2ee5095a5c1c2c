/**
 * (4c) X-Ray store at a million traces (issue 16): a store of 1M lab traces over 30 days is built straight
 * into the store files (minutes of CPU), then a fresh process starts the local cloud on it and reports
 * the start time (records decoded, no document parsed), its RSS, the five lab filters' first page,
 * GetServiceGraph over 6 hours, BatchGetTraces of 5 ids and 300 pages followed with NextToken.
 * `XRAY_MILLION_DATA=<dir>` reuses (or keeps) a built data dir, so a re-run skips the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchBody } from './lib/result.js';
import { REPO_ROOT, target } from './lib/result.js';
import { round } from './lib/stats.js';
import { FILTERS, labTraces } from './lib/traces.js';
import { addDirect } from './lib/xray-direct.js';
import type { Listing } from './lib/xray-calls.js';

interface ChildReport {
  startMs: number;
  startCpuMs: number;
  rssAfterOpen: number;
  rss: number;
  firstPages: number[];
  graph6hMs: number;
  batchGetMs: number;
  pages: Listing;
  traces: number;
}

export const xrayMillion: Benchmark = {
  name: 'xray-million',
  title: 'X-Ray store at a million traces: start, memory and the lab queries',
  async run({ smoke, log }): Promise<BenchBody> {
    const size = smoke ? 300 : 1_000_000;
    const keep = !smoke && process.env.XRAY_MILLION_DATA;
    const dir = keep || mkdtempSync(join(tmpdir(), 'xray-million-'));
    try {
      const nowS = Math.floor(Date.now() / 1000);
      let buildS: number | null = null;
      if (!existsSync(join(dir, 'local-cloud.sqlite'))) {
        log(`building ${size} traces straight into ${dir}`);
        const t0 = performance.now();
        addDirect(dir, labTraces(size, nowS - 30 * 86_400, nowS - 60, 4242));
        buildS = (performance.now() - t0) / 1000;
      }
      log('starting the local cloud on it in a fresh process');
      const child = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', 'lib', 'xray-open-child.ts'), dir, smoke ? '1' : '3'], {
        cwd: REPO_ROOT, encoding: 'utf8', timeout: 900_000, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      });
      if (child.status !== 0) throw new Error(`measuring process exited ${child.status}: ${child.stderr.slice(-500)}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildReport;
      const at = `@${r.traces}`;
      return {
        tables: [{
          title: `Local cloud started on a store of ${r.traces} lab traces (5 documents each, over 30 days)`,
          columns: ['figure', 'value', 'unit'],
          rows: [
            ['build (straight into the files)', buildS === null ? null : round(buildS, 0), 's'],
            ['start (in-process local cloud, store records decoded)', round(r.startMs, 0), 'ms'],
            ['CPU of that start', round(r.startCpuMs, 0), 'ms'],
            ['RSS after start', round(r.rssAfterOpen, 0), 'MB'],
            ['RSS after the queries', round(r.rss, 0), 'MB'],
            ...FILTERS.map((f, i) => [`first page: ${f}`, round(r.firstPages[i], 1), 'ms']),
            ['GetServiceGraph, last 6 hours', round(r.graph6hMs, 1), 'ms'],
            ['BatchGetTraces, 5 ids', round(r.batchGetMs, 1), 'ms'],
            ['300 pages of service("user-service"): wall', round(r.pages.ms, 0), 'ms'],
            ['  slowest page', round(r.pages.maxPageMs, 1), 'ms'],
            ['  page 300', round(r.pages.lastPageMs, 1), 'ms'],
          ],
        }],
        targets: [
          target(`reopen ${at}`, '≤ 5,000 ms', round(r.startMs, 0), 'ms', (x) => x <= 5000),
          target(`RSS ${at}`, '≤ 600 MB', round(r.rss, 0), 'MB', (x) => x <= 600),
          target(`slowest first page of the 5 filters ${at}`, '≤ 300 ms', round(Math.max(...r.firstPages), 1), 'ms', (x) => x <= 300),
          target(`GetServiceGraph 6 h ${at}`, '≤ 1,000 ms', round(r.graph6hMs, 1), 'ms', (x) => x <= 1000),
          target(`BatchGetTraces 5 ids ${at}`, '≤ 20 ms', round(r.batchGetMs, 1), 'ms', (x) => x <= 20),
          target(`slowest of 300 pages ${at}`, '≤ 10 ms', round(r.pages.maxPageMs, 1), 'ms', (x) => x <= 10),
        ],
        notes: ['The start is timed inside the measuring process (startLocalCloud on the data dir), so it excludes Node\'s own start-up.'],
      };
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
