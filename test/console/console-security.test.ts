/**
 * The console's trust boundary, against a real server on port 0 reading a real local cloud: the token
 * (URL once, then an HttpOnly SameSite=Strict cookie), the loopback Host allowlist, no CORS, a strict CSP,
 * read-only — and, in Chromium, a page from another origin that holds no way to read anything.
 */
import { request } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { XRayClient } from '@aws-sdk/client-xray';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabPage } from '../../src/console/server/lab-page.js';
import { startConsoleServer, type ConsoleServer } from '../../src/console/server/server.js';
import { startLocalCloud, type LocalCloud } from '../../src/local/server.js';
import { clientConfig } from '../support/local-cloud.js';
import { chromiumAvailable, launchChromium } from './support.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let cloud: LocalCloud;
let xray: XRayClient;
let server: ConsoleServer;
let cookie: string;

function get(path: string, headers: Record<string, string> = {}, method = 'GET', port = server.port, host = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0 });
  xray = new XRayClient(clientConfig(cloud));
  server = await startConsoleServer({
    source: { xray, target: 'local', region: 'us-east-1', lab: () => readLabPage({ target: 'local', region: 'us-east-1', stateFile: undefined }) },
  });
  const first = await get(new URL(server.url).pathname + new URL(server.url).search);
  cookie = String(first.headers['set-cookie']).split(';')[0]!;
});

afterAll(async () => {
  await server?.close();
  xray?.destroy();
  await cloud?.close();
});

describe('console server: token, Host, Origin, CORS, CSP', () => {
  it('swaps the URL token for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    const r = await get(new URL(server.url).pathname + new URL(server.url).search);

    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(String(r.headers['set-cookie'])).toMatch(/^xray_lab_console_\d+=[\w-]{32}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('refuses every request without the token, or with a wrong one, and gives away nothing', async () => {
    for (const path of ['/', '/app.js', '/api/graph', '/api/traces', '/api/lab', '/?token=wrong']) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.body, path).toMatch(/needs its token/);
      expect(r.headers['set-cookie'], path).toBeUndefined();
    }
    const wrong = await get('/api/graph', { cookie: `${cookie.split('=')[0]}=${'x'.repeat(32)}` });
    expect(wrong.status).toBe(401);
  });

  it('answers with the cookie, sends no CORS headers, and a strict CSP on everything', async () => {
    for (const path of ['/', '/app.js', '/app.css', '/api/graph', '/api/traces', '/api/lab']) {
      const r = await get(path, { cookie, origin: `http://127.0.0.1:${server.port}` });
      expect(r.status, path).toBe(200);
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-')), path).toEqual([]);
      expect(r.headers['content-security-policy'], path).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses a non-loopback Host (DNS rebinding) even with the cookie', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`]) {
      const r = await get('/api/graph', { cookie, host });
      expect(r.status, `Host: ${host}`).toBe(403);
      expect(r.body).toMatch(/only answers requests addressed to 127\.0\.0\.1 or localhost/);
    }
    expect((await get('/api/graph', { cookie, host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses requests another site makes, and anything but GET', async () => {
    expect((await get('/api/graph', { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get('/api/graph', { cookie, 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await get('/api/graph', { cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const post = await get('/api/graph', { cookie }, 'POST');
    expect(post.status).toBe(405);
    expect(post.body).toMatch(/read-only/);
  });

  it('listens on loopback only', async () => {
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no other interface on this machine: nothing else to connect from
    await expect(get('/api/graph', { cookie }, 'GET', server.port, external.address)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('bad input is one sentence and a 400, never a stack', async () => {
    const cases: [string, RegExp][] = [
      ['/api/traces?since=forever', /--since takes a duration/],
      ['/api/trace/not-a-trace-id', /is not an X-Ray trace id/],
      ['/api/traces?filter=service(', /The filter expression "service\(" is not valid: /],
    ];
    for (const [path, message] of cases) {
      const r = await get(path, { cookie });
      expect(r.status, path).toBe(400);
      const body = JSON.parse(r.body) as { error: string };
      expect(body.error).toMatch(message);
      expect(body.error).not.toMatch(/\n\s+at /);
    }
    expect((await get('/api/trace/1-5f84c7a1-0123456789abcdef01234567', { cookie })).status).toBe(404);
  });
});

describe.skipIf(!chromiumAvailable())('console server in Chromium: another origin cannot read it', () => {
  let browser: Browser;
  let evil: Server;
  let evilPort: number;

  beforeAll(async () => {
    browser = await launchChromium();
    // The attacker's page: it tries to read the console with the victim's cookie.
    evil = createServer((req, res) => {
      const target = new URL(req.url!, 'http://x').searchParams.get('target')!;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><script>
        window.result = (async () => {
          const out = {};
          for (const path of ['/api/graph', '/api/lab', '/']) {
            try { const r = await fetch(${JSON.stringify(target)} + path, { credentials: 'include' }); out[path] = 'read ' + r.status + ' ' + (await r.text()).slice(0, 50); }
            catch (e) { out[path] = 'blocked: ' + e.name; }
          }
          return out;
        })();
      </script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    evilPort = (evil.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => evil?.close(r));
  });

  for (const evilHost of ['127.0.0.1', 'localhost']) {
    it(`a page on http://${evilHost}:<other port> gets nothing, although the browser holds the console's cookie`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url);
      expect(await page.title()).toBe('xray-lab console');
      const refused: number[] = [];
      page.on('response', (r) => {
        // Only what the attacker's page asked for (the console page itself may still be polling).
        if (new URL(r.url()).port === String(server.port) && r.frame().url().includes(`:${evilPort}/`)) refused.push(r.status());
      });

      await page.goto(`http://${evilHost}:${evilPort}/?target=${encodeURIComponent(`http://127.0.0.1:${server.port}`)}`);
      const result = (await page.evaluate('window.result')) as Record<string, string>;

      expect(Object.values(result), JSON.stringify(result)).toEqual(['blocked: TypeError', 'blocked: TypeError', 'blocked: TypeError']);
      expect(refused.filter((s) => s !== 403), 'statuses the console gave the other page').toEqual([]);
      await context.close();
    });
  }
});
