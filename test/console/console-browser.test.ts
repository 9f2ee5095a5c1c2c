/**
 * `xray-lab console` in real Chromium after a real lab run: `setup --yes` and `load` through the CLI on
 * its local cloud, then the console as a child process. Checks what a learner sees: the lab's map, the
 * filter box (annotation filter, parser errors), the histogram, a trace's waterfall, the lab page, at
 * desktop and phone sizes, with axe-core finding no violations. Screenshots go to test-artifacts/console.
 */
import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, REPO_ROOT, type Sandbox } from '../support/cli.js';
import { TEST_CREDENTIALS } from '../support/local-cloud.js';
import { artifact, chromiumAvailable, launchChromium, startConsoleCli, waitForExpression, type ConsoleProcess } from './support.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let sb: Sandbox;
let con: ConsoleProcess;
let browser: Browser;
let endpoint: string;
let xray: XRayClient;
let sent = 0;

beforeAll(async () => {
  sb = await makeSandbox();
  const setup = await sb.run(['setup', '--yes', '--json']);
  expect(setup.code, setup.stderr).toBe(0);
  const load = await sb.run(['load', '--requests', '40', '--json']);
  expect(load.code, load.stderr).toBe(0);
  sent = JSON.parse(load.stdout).sent + 12;
  endpoint = JSON.parse((await sb.run(['local', 'status', '--json'])).stdout).endpoint;
  xray = new XRayClient({ region: 'us-east-1', endpoint, credentials: TEST_CREDENTIALS });
  con = await startConsoleCli([], sb.env);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await con?.stop();
  xray?.destroy();
  await sb?.run(['local', 'stop']);
  await sb?.dispose();
});

async function openPage(width = 1280, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(con.url);
  return page;
}

async function axeViolations(page: Page): Promise<string[]> {
  // Runs through the DevTools protocol, which the page's CSP (no inline scripts) does not govern.
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })",
  )) as { violations: { id: string; nodes: { target: string[] }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function rowIds(page: Page): Promise<string[]> {
  return page.$$eval('table.traces tbody tr', (rows) => rows.map((r) => r.getAttribute('data-trace') ?? ''));
}

/** Browser-side expressions are strings: this file is type-checked without the DOM library. */
const rowCountIs = (n: number): string => `document.querySelectorAll('table.traces tbody tr').length === ${n}`;

async function runFilter(page: Page, expr: string): Promise<void> {
  await page.fill('#filter-input', expr);
  await page.press('#filter-input', 'Enter');
}

async function waitForList(page: Page, filter: string): Promise<void> {
  await waitForExpression(page, `new URLSearchParams(location.hash.split('?')[1] ?? '').get('filter') === ${JSON.stringify(filter)}`);
  await page.waitForSelector('p.count, p.error-message');
}

const describeIfChromium = chromiumAvailable() ? describe : describe.skip;

describeIfChromium('xray-lab console in Chromium after setup and load', () => {
  it('the map shows the 5 lab nodes and 4 edges with plausible counts', async () => {
    const page = await openPage();

    await page.waitForSelector('svg.map[data-ready] a.node');

    expect(new URL(page.url()).search).toBe(''); // the token went into the cookie
    const nodes = await page.$$eval('a.node', (as) => as.map((a) => `${a.getAttribute('data-node')} ${a.getAttribute('data-type')}`));
    expect(nodes.sort()).toEqual(['UserProfiles AWS::DynamoDB::Table', 'client client', 'user-api/prod AWS::ApiGateway::Stage', 'user-service AWS::Lambda', 'user-service AWS::Lambda::Function']);
    const edges = await page.$$eval('a.edge', (as) => as.map((a) => ({ edge: a.getAttribute('data-edge'), label: a.querySelector('text')?.textContent ?? '' })));
    expect(edges).toHaveLength(4);
    const traced = (await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(Date.now() - 3_600_000), EndTime: new Date() }))).TraceSummaries!.length;
    for (const e of edges) {
      const count = Number(/^(\d+) ·/.exec(e.label.trim())?.[1]);
      expect(count, e.edge!).toBeGreaterThan(0);
      expect(count, e.edge!).toBeLessThanOrEqual(Math.min(traced, sent));
    }
    expect(edges.find((e) => e.edge === 'client>user-api/prod')!.label).toMatch(new RegExp(`^${traced} ·`));
    await page.screenshot({ path: artifact('map-1280.png') });
    // The README's screenshot comes from this page: refresh it with UPDATE_DOCS_SCREENSHOT=1.
    if (process.env.UPDATE_DOCS_SCREENSHOT) await copyFile(artifact('map-1280.png'), join(REPO_ROOT, 'docs', 'console-map.png'));
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('clicking user-service lists only the traces through it, with its filter filled in', async () => {
    const page = await openPage();
    await page.waitForSelector('a.node[data-type="AWS::Lambda::Function"]');

    await page.click('a.node[data-type="AWS::Lambda::Function"]');
    await page.waitForSelector('table.traces tbody tr');

    expect(await page.inputValue('#filter-input')).toBe('service(id(name: "user-service", type: "AWS::Lambda::Function"))');
    const ids = await rowIds(page);
    expect(ids.length).toBeGreaterThan(0);
    for (let i = 0; i < ids.length; i += 5) {
      const out = await xray.send(new BatchGetTracesCommand({ TraceIds: ids.slice(i, i + 5) }));
      for (const t of out.Traces!) {
        const names = t.Segments!.map((s) => JSON.parse(s.Document!) as { name: string; origin?: string });
        expect(names.some((d) => d.name === 'user-service' && d.origin === 'AWS::Lambda::Function'), t.Id).toBe(true);
      }
    }
    await page.screenshot({ path: artifact('traces-user-service.png') });

    // An edge lists the traces with that call: the function's calls to the table.
    await page.goto(`${con.origin}/#/map?since=1h`);
    await page.click('a.edge[data-edge="user-service>UserProfiles"]');
    await page.waitForSelector('table.traces tbody tr');
    expect(await page.inputValue('#filter-input')).toBe('edge(id(name: "user-service", type: "AWS::Lambda::Function"), id(name: "UserProfiles", type: "AWS::DynamoDB::Table"))');
    expect((await rowIds(page)).length).toBeGreaterThan(0);
    await page.close();
  });

  it('annotation.user_found = false lists exactly the 404s; a malformed expression shows the parser\'s message', async () => {
    const page = await openPage();
    await page.goto(`${con.origin}/#/traces?since=1h`);
    await page.waitForSelector('table.traces tbody tr');
    const all = await page.$$eval('table.traces tbody tr', (rows) => rows.map((r) => ({ id: r.getAttribute('data-trace'), status: r.getAttribute('data-status') })));
    const notFound = all.filter((r) => r.status === '404').map((r) => r.id).sort();
    expect(notFound.length).toBeGreaterThan(0);

    await runFilter(page, 'annotation.user_found = false');
    await waitForList(page, 'annotation.user_found = false');

    await expect.poll(async () => (await rowIds(page)).sort(), { timeout: 15_000 }).toEqual(notFound);
    expect(await page.$$eval('table.traces tbody tr', (rows) => rows.map((r) => r.getAttribute('data-status')))).toEqual(notFound.map(() => '404'));
    expect(await axeViolations(page)).toEqual([]);

    const bad = 'annotation.user_found = AND';
    const apiMessage = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(Date.now() - 600_000), EndTime: new Date(), FilterExpression: bad })).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    await runFilter(page, bad);
    const alert = await page.waitForSelector('p.error-message[role="alert"]');
    expect(await alert.textContent()).toContain(apiMessage);
    expect(await page.$('table.traces')).toBeNull();
    await page.screenshot({ path: artifact('traces-parse-error.png') });
    await page.close();
  });

  it('selecting a histogram bar narrows the list to its response times', async () => {
    const page = await openPage();
    await page.goto(`${con.origin}/#/traces?since=1h`);
    await page.waitForSelector('table.traces tbody tr');
    const total = (await rowIds(page)).length;
    const bars = await page.$$eval('.histogram .bar', (bs) => bs.map((b) => Number(/: (\d+) traces$/.exec(b.getAttribute('aria-label') ?? '')?.[1])));
    expect(bars.reduce((a, b) => a + b, 0)).toBe(total);
    const pick = bars.findIndex((n) => n > 0 && n < total);
    const index = pick >= 0 ? pick : bars.findIndex((n) => n > 0);

    await page.focus(`.histogram .bar >> nth=${index}`);
    await page.keyboard.press('Enter');
    await waitForExpression(page, rowCountIs(bars[index]!));

    expect(await page.getAttribute(`.histogram .bar >> nth=${index}`, 'aria-pressed')).toBe('true');
    await page.click('text=Clear selection');
    await waitForExpression(page, rowCountIs(total));
    await page.close();
  });

  it('a trace shows the waterfall with user_processing and its annotations', async () => {
    const page = await openPage();
    await page.goto(`${con.origin}/#/traces?since=1h&filter=${encodeURIComponent('annotation.user_found = true')}`);
    await page.waitForSelector('table.traces tbody tr td.id a').catch(async (e: unknown) => {
      await page.screenshot({ path: artifact('FAILED-trace-list.png') });
      throw e;
    });

    await page.click('table.traces tbody tr td.id a');
    await page.waitForSelector('ol.waterfall[data-ready] li[data-name="user_processing"]');

    const names = await page.$$eval('ol.waterfall li', (lis) => lis.map((li) => li.getAttribute('data-name')));
    expect(names).toEqual(expect.arrayContaining(['user-api/prod', 'Lambda', 'user-service', 'user_processing', 'DynamoDB']));
    // The table's segment is inferred from the function's DynamoDB subsegment, and marked so.
    const inferred = await page.$$eval('ol.waterfall li', (lis) => lis.filter((li) => li.querySelector('.tag')).map((li) => li.getAttribute('data-name')));
    expect(inferred).toHaveLength(1);
    expect(['DynamoDB', 'UserProfiles']).toContain(inferred[0]);
    await page.click('li[data-name="user_processing"] button');
    await page.waitForSelector('aside.details tr[data-annotation="user_found"]');
    expect(await page.textContent('aside.details tr[data-annotation="user_found"] td')).toBe('true');
    expect(await page.textContent('aside.details')).toContain('request_info');
    await page.screenshot({ path: artifact('trace-1280.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the lab page shows progress, the recorded resources, the invoke URL and the step 6 queries as filters', async () => {
    const page = await openPage();
    await page.goto(`${con.origin}/#/lab`);
    await page.waitForSelector('[data-invoke-url]');

    const status = JSON.parse((await sb.run(['status', '--json'])).stdout);
    expect(await page.textContent('[data-invoke-url]')).toBe(status.invokeUrl);
    const resourceText = await page.textContent('table.resources');
    for (const r of status.resources as { id: string; arn?: string }[]) expect(resourceText).toContain(r.arn ?? r.id);
    expect(await page.$$eval('ol.steps li.done', (lis) => lis.length)).toBeGreaterThanOrEqual(4);
    await page.click('ul.queries a:has-text("annotation.user_found = false")');
    await page.waitForSelector('table.traces tbody tr');
    expect(await page.inputValue('#filter-input')).toBe('annotation.user_found = false');
    await page.goto(`${con.origin}/#/lab`);
    await page.waitForSelector('[data-invoke-url]');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('refreshes the list live while traffic flows, keeping the typed filter, the histogram selection and the scroll', async () => {
    // Short enough that the page scrolls even when the selection leaves one row.
    const page = await openPage(1280, 300);
    await page.goto(`${con.origin}/#/traces?since=1h`);
    await page.waitForSelector('table.traces tbody tr');
    const before = (await rowIds(page)).length;
    const bars = await page.$$eval('.histogram .bar', (bs) => bs.map((b) => Number(/: (\d+) traces$/.exec(b.getAttribute('aria-label') ?? '')?.[1])));
    await page.focus(`.histogram .bar >> nth=${bars.findIndex((n) => n > 0)}`);
    await page.keyboard.press('Enter');
    await page.fill('#filter-input', 'responsetime > 0.1'); // typed, not yet run
    await page.evaluate('window.scrollTo(0, 120)');
    const scrolled = await page.evaluate('window.scrollY');
    expect(scrolled).toBeGreaterThan(0);

    const { invokeUrl } = JSON.parse((await sb.run(['status', '--json'])).stdout) as { invokeUrl: string };
    for (let i = 0; i < 6; i++) await (await fetch(`${invokeUrl}/users/user123`)).arrayBuffer();
    // The next poll (every 5 s) brings the new traces: the count line names more than before.
    await waitForExpression(page, `(/of (\\d+) traces/.exec(document.querySelector('p.count')?.textContent ?? '') ?? [])[1] > ${before}`, 30_000, 200);

    expect(await page.inputValue('#filter-input')).toBe('responsetime > 0.1');
    expect(await page.$$eval('.histogram .bar[aria-pressed="true"]', (bs) => bs.length)).toBe(1);
    expect(await page.evaluate('window.scrollY')).toBe(scrolled);
    await page.close();
  });

  it('works at 390×844: map, list and timeline fit the screen', async () => {
    const page = await openPage(390, 844);
    await page.waitForSelector('svg.map[data-ready] a.node');
    const fits = () => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1');
    expect(await fits()).toBe(true);
    expect(await page.$$eval('a.node', (as) => as.length)).toBe(5);
    await page.screenshot({ path: artifact('map-390.png'), fullPage: true });

    await page.goto(`${con.origin}/#/traces?since=1h`);
    await page.waitForSelector('table.traces tbody tr');
    expect(await fits()).toBe(true);
    await page.screenshot({ path: artifact('traces-390.png') });
    await page.click('table.traces tbody tr td.id a');
    await page.waitForSelector('ol.waterfall[data-ready]');
    expect(await fits()).toBe(true);
    await page.screenshot({ path: artifact('trace-390.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
