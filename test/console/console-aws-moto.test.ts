/**
 * `xray-lab console --target aws` against moto, through the SDK's standard credential chain: the server
 * calls X-Ray with the user's credentials, and not one response the page receives (HTML, bundle, every
 * API answer, errors included) carries the access key id or the secret.
 */
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../support/cli.js';
import { MOTO_CREDENTIALS, motoAvailable, motoClientConfig, startMoto, type Moto } from '../support/moto.js';
import { chromiumAvailable, launchChromium, startConsoleCli, waitForExpression, type ConsoleProcess } from './support.js';

const available = motoAvailable() && chromiumAvailable();

describe.skipIf(!available)('xray-lab console on the aws target (moto)', () => {
  let moto: Moto;
  let sb: Sandbox;
  let con: ConsoleProcess;
  let browser: Browser;
  const traceId = `1-${Math.floor(Date.now() / 1000).toString(16)}-0123456789abcdef01234567`;
  const secrets = [MOTO_CREDENTIALS.AWS_ACCESS_KEY_ID, MOTO_CREDENTIALS.AWS_SECRET_ACCESS_KEY];

  beforeAll(async () => {
    [moto, sb] = await Promise.all([startMoto(), makeSandbox()]);
    const now = Date.now() / 1000;
    const xray = new XRayClient(motoClientConfig(moto));
    await xray.send(new PutTraceSegmentsCommand({
      TraceSegmentDocuments: [JSON.stringify({
        trace_id: traceId, id: '70de5b6f19ff9a0a', name: 'user-service', start_time: now - 1, end_time: now,
        http: { request: { method: 'GET', url: 'https://example.com/users/user123' }, response: { status: 200 } },
        annotations: { user_found: true },
      })],
    }));
    xray.destroy();
    con = await startConsoleCli(['--target', 'aws'], { ...sb.env, ...MOTO_CREDENTIALS, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: moto.endpoint });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await con?.stop();
    await Promise.all([moto?.stop(), sb?.dispose()]);
  });

  it('no response the page receives carries a credential value', async () => {
    const page = await browser.newPage();
    const bodies: string[] = [];
    page.on('response', async (r) => {
      bodies.push(JSON.stringify(await r.allHeaders()));
      bodies.push(await r.text().catch(() => ''));
    });

    await page.goto(con.url);
    for (const hash of ['#/map?since=1h', '#/traces?since=1h', `#/traces?since=1h&filter=${encodeURIComponent('service(')}`, `#/trace/${traceId}`, '#/lab']) {
      await page.goto(`${con.origin}/${hash}`);
      await page.waitForSelector('main section h1');
      await waitForExpression(page, "!document.querySelector('p.loading')");
    }
    for (const path of ['/api/session', '/api/graph?since=1h', '/api/traces?since=1h', '/api/traces?filter=service(', `/api/trace/${traceId}`, '/api/lab', '/api/nothing']) {
      const text = await page.evaluate(async (p) => (await fetch(p)).text(), path);
      bodies.push(text);
    }

    const all = bodies.join('\n');
    expect(all).toContain(traceId); // the page did get X-Ray's data through the server…
    expect(all).toContain('"target":"aws"');
    for (const s of secrets) expect(all).not.toContain(s); // …and never the credentials
    for (const s of secrets) expect(con.stderr()).not.toContain(s);
    await page.close();
  });
});
