/**
 * (issue 19) `xray-lab console` in headless Chromium over a local cloud holding 100k lab traces:
 * first meaningful paint (the map drawn, from navigation start), a filtered list of 1,000 traces and the
 * timeline of a 50-subsegment trace (render = the answer's JSON parsed → the frame that shows it; total
 * includes the API call), and the bundle's gzipped size. Timings are medians of several runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import type { Browser, Page } from 'playwright-core';
import { readLabPage } from '../src/console/server/lab-page.js';
import { assetDir } from '../src/console/server/assets.js';
import { startConsoleServer } from '../src/console/server/server.js';
import type { Benchmark, BenchBody } from './lib/result.js';
import { target } from './lib/result.js';
import { launchChromium, waitForExpression } from '../test/support/browser.js';
import { sdkConfig, startCloudProcess } from './lib/stack.js';
import { median, round } from './lib/stats.js';
import { labTraces } from './lib/traces.js';
import { ingest } from './xray-store.js';

const FIRST_PAINT_MS = 1_000;
const RENDER_MS = 200;
const BUNDLE_KB = 300;
const LIST_FILTER = 'service("user-service")';
/** The trace table's page size (PAGE_ROWS of src/console/web/traces-view.ts, which bench/ cannot import: it is DOM code). */
const TABLE_PAGE_ROWS = 100;

/** Before any page script: record when JSON answers are parsed and when a condition first holds (in the next frame). */
const PROBE = `
  window.__marks = {};
  const json = Response.prototype.json;
  Response.prototype.json = async function () {
    const v = await json.call(this);
    // Only the answer the measured view waits for (another view's poll may land meanwhile).
    if (!window.__api || new URL(this.url).pathname.startsWith(window.__api)) window.__marks.dataAt = performance.now();
    return v;
  };
  new MutationObserver(() => {
    if (window.__until && !window.__marks.ready && window.__until()) {
      window.__marks.ready = performance.now();
      requestAnimationFrame(() => { window.__marks.paint = performance.now(); });
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
`;

interface Marks {
  start: number;
  /** The API's JSON parsed. */
  dataAt: number;
  /** The DOM shows it (Preact committed). */
  ready: number;
  /** The next animation frame: the one that paints it. */
  paint: number;
}

async function awaitMarks(page: Page): Promise<Marks> {
  // Browser-side code as strings: bench/ is type-checked without the DOM library.
  return waitForExpression<Marks>(page, 'window.__marks.paint !== undefined && window.__marks', 60_000, 5);
}

/** Changes the hash and waits until `until` holds; `api` is the path whose answer it draws. Returns [total, data → frame, data → DOM] in ms. */
async function timeView(page: Page, hash: string, api: string, until: string): Promise<[number, number, number]> {
  await page.evaluate(`window.__marks = { start: performance.now() }; window.__api = ${JSON.stringify(api)}; window.__until = () => (${until}); location.hash = ${JSON.stringify(hash)};`);
  const m = await awaitMarks(page);
  return [m.paint - m.start, m.paint - m.dataAt, m.ready - m.dataAt];
}

function fiftySubsegmentTrace(nowS: number): { id: string; doc: string } {
  const id = `1-${Math.floor(nowS).toString(16)}-${'5'.repeat(24)}`;
  const subsegments = Array.from({ length: 50 }, (_, i) => ({
    id: `5b${(i + 1).toString(16).padStart(14, '0')}`, name: i % 10 === 0 ? `step_${i}` : `DynamoDB`, namespace: i % 10 === 0 ? undefined : 'aws',
    start_time: nowS + i * 0.004, end_time: nowS + i * 0.004 + 0.003 + (i % 7) * 0.001,
    ...(i % 13 === 5 ? { error: true, http: { response: { status: 404 } } } : {}),
    annotations: { index: i }, metadata: { default: { note: `subsegment ${i}` } },
  }));
  const doc = { trace_id: id, id: 'a0a0a0a0a0a0a0a0', name: 'wide-service', origin: 'AWS::Lambda::Function', start_time: nowS, end_time: nowS + 0.25, subsegments };
  return { id, doc: JSON.stringify(doc) };
}

export const consoleBench: Benchmark = {
  name: 'console',
  title: 'xray-lab console: first paint, list and timeline render in headless Chromium; bundle size',
  async run({ smoke, log }): Promise<BenchBody> {
    const traces = smoke ? 300 : 100_000;
    const reps = smoke ? 1 : 5;
    const notes: string[] = [];
    const bundle = ['app.js', 'app.css'].map((f) => readFileSync(join(assetDir(), f)));
    const gzKb = round(bundle.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0) / 1024, 1);
    const rawKb = round(bundle.reduce((n, b) => n + b.length, 0) / 1024, 1);

    const cloud = await startCloudProcess();
    const xray = new XRayClient({ ...sdkConfig(cloud.endpoint), maxAttempts: 3 });
    let browser: Browser | undefined;
    const server = await startConsoleServer({
      source: { xray, target: 'local', region: 'us-east-1', lab: () => readLabPage({ target: 'local', region: 'us-east-1', stateFile: undefined }) },
    });
    try {
      const nowS = Date.now() / 1000;
      log(`ingest ${traces} lab traces (${traces * 5} documents) over the last 50 minutes`);
      const all = [...labTraces(traces, nowS - 3000, nowS - 10, 19)];
      for (let i = 0; i < all.length; i += 5_000) await ingest(xray, all.slice(i, i + 5_000), cloud.pid);
      const wide = fiftySubsegmentTrace(nowS - 5);
      await xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [wide.doc] }));

      browser = await launchChromium();
      const paints: number[] = [];
      const walls: number[] = [];
      for (let i = 0; i < reps; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        await context.addInitScript(`${PROBE}; window.__until = () => !!document.querySelector('svg.map[data-ready] a.node');`);
        const page = await context.newPage();
        const t0 = performance.now();
        await page.goto(server.url.replace('/?', '/?since=1h&').replace(/$/, '#/map?since=1h'));
        const m = await awaitMarks(page);
        walls.push(performance.now() - t0);
        paints.push(m.paint);
        await context.close();
      }
      log(`first paint: median ${round(median(paints))} ms`);
      // How much of the first paint is the server's GetServiceGraph over the whole store.
      const redirect = await fetch(server.url, { redirect: 'manual' });
      const cookie = (redirect.headers.get('set-cookie') ?? '').split(';')[0]!;
      await redirect.arrayBuffer();
      const graphMs: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        const r = await fetch(new URL('/api/graph?since=1h', server.url), { headers: { cookie } });
        await r.arrayBuffer();
        graphMs.push(performance.now() - t0);
      }

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(PROBE);
      const page = await context.newPage();
      await page.goto(`${server.url}#/lab`);
      await page.waitForSelector('#lab-title');
      const list: [number, number, number][] = [];
      const timeline: [number, number, number][] = [];
      const rows = Math.min(1_000, traces);
      for (let i = 0; i < reps; i++) {
        const q = new URLSearchParams({ since: '1h', filter: LIST_FILTER });
        // The histogram takes all of them; the table draws its first page (PAGE_ROWS in src/console/web/traces-view.ts).
        const until = `document.querySelectorAll('table.traces tbody tr').length >= ${Math.min(rows, TABLE_PAGE_ROWS)} && /\\b${rows} traces/.test(document.querySelector('p.count')?.textContent ?? '')`;
        list.push(await timeView(page, `#/traces?${q.toString()}&r=${i}`, '/api/traces', until));
        await page.evaluate("location.hash = '#/lab'");
        await page.waitForSelector('#lab-title');
        timeline.push(await timeView(page, `#/trace/${wide.id}`, '/api/trace/', `document.querySelectorAll('ol.waterfall li').length >= 51`));
        await page.evaluate("location.hash = '#/lab'");
        await page.waitForSelector('#lab-title');
      }
      await context.close();
      const med = (xs: [number, number, number][], k: 0 | 1 | 2) => round(median(xs.map((x) => x[k])));
      return {
        tables: [
          {
            title: `Console in headless Chromium, ${traces.toLocaleString('en')} traces in the store (medians of ${reps})`,
            columns: ['view', 'data → DOM ms', 'data → frame ms', 'total ms (incl. API)', 'what'],
            rows: [
              ['service map, first visit', null, null, round(median(paints)), `navigation start → map drawn; page.goto → drawn ${round(median(walls))} ms; of which /api/graph (GetServiceGraph) ${round(median(graphMs))} ms`],
              ['trace list', med(list, 2), med(list, 1), med(list, 0), `${rows} traces, filter ${LIST_FILTER}: histogram of all, table's first page of ${TABLE_PAGE_ROWS}`],
              ['trace timeline', med(timeline, 2), med(timeline, 1), med(timeline, 0), '1 segment + 50 subsegments'],
            ],
          },
          { title: 'Front-end bundle (dist/console)', columns: ['file', 'raw KB', 'gzipped KB'], rows: [['app.js + app.css', rawKb, gzKb]] },
        ],
        targets: [
          target(`first meaningful paint (map) at ${traces.toLocaleString('en')} traces`, `≤ ${FIRST_PAINT_MS} ms`, round(median(paints)), 'ms', (x) => x <= FIRST_PAINT_MS),
          target('filtered list of 1,000 traces renders', `≤ ${RENDER_MS} ms`, med(list, 1), 'ms', (x) => x <= RENDER_MS),
          target('timeline of a 50-subsegment trace renders', `≤ ${RENDER_MS} ms`, med(timeline, 1), 'ms', (x) => x <= RENDER_MS),
          target('bundle gzipped', `≤ ${BUNDLE_KB} KB`, gzKb, 'KB', (x) => x <= BUNDLE_KB),
        ],
        notes,
      };
    } finally {
      await browser?.close();
      await server.close();
      xray.destroy();
      await cloud.close();
    }
  },
};
