/**
 * A real browser against the local cloud (issue 13): Debian's Chromium, driven by playwright-core.
 * A cross-site page and a DNS-rebinding page try everything a page can do to the control plane
 * (a form post, no-cors text/plain fetches, CORS fetches, same-origin fetches with a made-up SigV4
 * header); afterwards the SDK shows that nothing was created and no handler ran. The same page can
 * still call the lab API's invoke URL and read its JSON, as on AWS.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { apiClient, createLabApi } from '../local/apigateway-helpers.js';
import { createRole, handlerZip } from '../local/lambda-fixtures.js';
import { ATTACKER_HOST, REBIND_HOST, launchAttackerBrowser } from '../support/browser.js';
import { clientConfig, tempDir, withLocalCloud } from '../support/local-cloud.js';

/** Names Chromium resolves to 127.0.0.1 by itself (--host-resolver-rules): one attacker site, one rebinding name. */
const ATTACKER = ATTACKER_HOST;
const REBIND = REBIND_HOST;

/** A handler that leaves a marker file when it runs: its absence proves it never ran. */
const markerHandler = (marker: string) => `
const { writeFileSync } = require('node:fs');
exports.handler = async () => { writeFileSync(${JSON.stringify(marker)}, 'ran'); return { ran: true }; };`;

/** The lab API's shape (GET /users/{userId}) with the CORS header the lab's function sends. */
const API_HANDLER = `
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' },
  body: JSON.stringify({ userId: event.pathParameters.userId, name: 'Test User' }),
});`;

/** What the attack pages report back: each attempt's status, or the error a refused fetch throws. */
type Outcome = Record<string, string | number>;

const ATTACK_SCRIPT = String.raw`
async function attempt(name, run, out) {
  try { out[name] = await run(); } catch (e) { out[name] = 'blocked: ' + e.name; }
}
window.attackControlPlane = async ({ cloud, zipBase64, role }) => {
  const out = {};
  const createBody = JSON.stringify({ FunctionName: 'pwned', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipBase64 } });
  // Simple requests: no preflight, response unreadable, but the server would still act on them.
  await attempt('createFunctionNoCors', async () => (await fetch(cloud + '/2015-03-31/functions', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: createBody })).type, out);
  await attempt('invokeNoCors', async () => (await fetch(cloud + '/2015-03-31/functions/pwned/invocations', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })).type, out);
  await attempt('invokeVictimNoCors', async () => (await fetch(cloud + '/2015-03-31/functions/victim/invocations', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })).type, out);
  // Made-up presigned query parameters: the signature is not verified, so only the browser checks stop this.
  const presigned = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00';
  await attempt('invokePresignedNoCors', async () => (await fetch(cloud + '/2015-03-31/functions/victim/invocations?' + presigned, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{}' })).type, out);
  // CORS requests: reading needs the server's consent; a SigV4 header needs a preflight.
  await attempt('listFunctionsCors', async () => (await fetch(cloud + '/2015-03-31/functions')).status, out);
  await attempt('createFunctionSignedCors', async () => (await fetch(cloud + '/2015-03-31/functions', { method: 'POST', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00', 'content-type': 'application/json' }, body: createBody })).status, out);
  // A form post (a navigation) into a hidden frame: IAM's query protocol takes form bodies.
  out.createRoleForm = await new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = 'sink';
    document.body.appendChild(frame);
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = cloud + '/';
    form.target = 'sink';
    const fields = { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'pwned-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' };
    for (const [k, v] of Object.entries(fields)) {
      const input = document.createElement('input');
      input.name = k;
      input.value = v;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    frame.onload = () => resolve('submitted');
    form.submit();
    setTimeout(() => resolve('timeout'), 5000);
  });
  return out;
};
window.rebindControlPlane = async ({ zipBase64, role }) => {
  // Same origin with the cloud under a non-loopback Host: the page may read answers and set any header.
  const out = {};
  const auth = { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00' };
  const read = async (res) => res.status + ' ' + (await res.text());
  await attempt('listFunctions', async () => read(await fetch('/2015-03-31/functions', { headers: auth })), out);
  await attempt('getVictim', async () => read(await fetch('/2015-03-31/functions/victim', { headers: auth })), out);
  await attempt('createFunction', async () => read(await fetch('/2015-03-31/functions', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ FunctionName: 'pwned', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipBase64 } }) })), out);
  await attempt('invokeVictim', async () => read(await fetch('/2015-03-31/functions/victim/invocations', { method: 'POST', headers: auth, body: '{}' })), out);
  await attempt('dataPlane', async () => read(await fetch(location.pathname.replace(/attack.html$/, '') + 'users/u1')), out);
  return out;
};
window.callLabApi = async (url) => {
  const res = await fetch(url);
  return { status: res.status, json: await res.json() };
};
`;

const PAGE = `<!doctype html><html><head><title>attack</title><script>${ATTACK_SCRIPT}</script></head><body></body></html>`;

describe('a web page cannot reach the control plane (real Chromium)', () => {
  let cloud: LocalCloud;
  let browser: Browser;
  let pageServer: Server;
  let pagePort: number;
  let lambda: LambdaClient;
  const dir = tempDir('xray-lab-browser-');
  const uploadedMarker = join(dir.path, 'uploaded-handler-ran');
  const victimMarker = join(dir.path, 'victim-handler-ran');
  let role: string;
  let apiId: string;
  let rolesBefore: string[];

  beforeAll(async () => {
    cloud = await withLocalCloud();
    lambda = new LambdaClient(clientConfig(cloud));
    role = await createRole(cloud.endpoint, 'BrowserTestRole');
    // Deployed the legitimate way: a function the page will try to invoke, and the lab API.
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'victim', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: await handlerZip(markerHandler(victimMarker)) } }));
    await lambda.send(new CreateFunctionCommand({ FunctionName: 'user-service', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: await handlerZip(API_HANDLER) } }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'user-service', StatementId: 'apigw', Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' }));
    const apigw = apiClient(cloud.endpoint);
    apiId = (await createLabApi(apigw)).apiId;
    apigw.destroy();
    const iam = new IAMClient(clientConfig(cloud));
    rolesBefore = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!);
    iam.destroy();

    pageServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pagePort = (pageServer.address() as AddressInfo).port;
    browser = await launchAttackerBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
    lambda?.destroy();
    await cloud?.close();
    dir.remove();
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(url);
    return page;
  }

  /** The statuses the local cloud answered, as the browser's network layer saw them (opaque to the page itself). */
  function recordCloudResponses(page: Page): { method: string; path: string; status: number }[] {
    const seen: { method: string; path: string; status: number }[] = [];
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.port === String(cloud.port)) seen.push({ method: r.request().method(), path: url.pathname, status: r.status() });
    });
    return seen;
  }

  async function attack(pageUrl: string): Promise<{ out: Outcome; seen: { method: string; path: string; status: number }[] }> {
    const page = await open(pageUrl);
    const seen = recordCloudResponses(page);
    try {
      const zipBase64 = (await handlerZip(markerHandler(uploadedMarker))).toString('base64');
      const out = await page.evaluate(({ c, z, r }) => (globalThis as unknown as { attackControlPlane(a: object): Promise<Outcome> }).attackControlPlane({ cloud: c, zipBase64: z, role: r }), { c: cloud.endpoint, z: zipBase64, r: role });
      return { out, seen };
    } finally {
      await page.close();
    }
  }

  async function expectNothingHappened(): Promise<void> {
    const functions = (await lambda.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName).sort();
    expect(functions).toEqual(['user-service', 'victim']);
    const iam = new IAMClient(clientConfig(cloud));
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!);
    iam.destroy();
    expect(roles).toEqual(rolesBefore);
    expect(roles).not.toContain('pwned-role');
    expect(existsSync(uploadedMarker)).toBe(false);
    expect(existsSync(victimMarker)).toBe(false);
  }

  it.each([
    ['a cross-site page', () => `http://${ATTACKER}:${pagePort}/attack.html`],
    ['a page on another loopback port (same-site)', () => `http://127.0.0.1:${pagePort}/attack.html`],
  ])('%s creates, invokes and reads nothing', async (_name, pageUrl) => {
    const { out, seen } = await attack(pageUrl());

    // The requests reached the local cloud and it refused each one (not the browser on its behalf).
    const refused = seen.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`);
    expect(refused).toEqual(expect.arrayContaining([
      'POST /2015-03-31/functions', 'POST /2015-03-31/functions/pwned/invocations', 'POST /2015-03-31/functions/victim/invocations', 'POST /',
    ]));
    expect(seen.filter((r) => r.status !== 403)).toEqual([]);
    // no-cors answers are opaque to the page whatever happened; the SDK checks below are the proof.
    expect(out.listFunctionsCors).toBe('blocked: TypeError');
    expect(out.createFunctionSignedCors).toBe('blocked: TypeError');
    expect(out.createRoleForm).toBe('submitted');
    await expectNothingHappened();
  });

  it('a DNS-rebinding page (same origin, non-loopback Host) is refused before routing, even with a SigV4 header', async () => {
    // The attacker's DNS first served this page, then pointed the name at 127.0.0.1: the page is same-origin with the cloud.
    const page = await browser.newPage();
    const cloudPort = cloud.port;
    await page.route(`http://${REBIND}:${cloudPort}/_aws/execute-api/**/attack.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: PAGE }));
    try {
      await page.goto(`http://${REBIND}:${cloudPort}/_aws/execute-api/${apiId}/prod/attack.html`);
      const zipBase64 = (await handlerZip(markerHandler(uploadedMarker))).toString('base64');
      const out = await page.evaluate(({ z, r }) => (globalThis as unknown as { rebindControlPlane(a: object): Promise<Outcome> }).rebindControlPlane({ zipBase64: z, role: r }), { z: zipBase64, r: role });

      for (const key of ['listFunctions', 'getVictim', 'createFunction', 'invokeVictim', 'dataPlane']) {
        expect(String(out[key]), key).toMatch(/^403 /);
        expect(String(out[key]), key).toContain('loopback name');
        // Nothing about the account leaks, and the refused Host is never made into a URL.
        expect(String(out[key]), key).not.toMatch(/victim|user-service|Code|Location/);
      }
    } finally {
      await page.close();
    }
    await expectNothingHappened();
  });

  it('a cross-site page can still call the lab API’s invoke URL and read its JSON', async () => {
    const page = await open(`http://${ATTACKER}:${pagePort}/attack.html`);
    try {
      const callApi = (url: string) => page.evaluate((u) => (globalThis as unknown as { callLabApi(u: string): Promise<{ status: number; json: unknown }> }).callLabApi(u), url);
      const byPath = await callApi(`${cloud.endpoint}/_aws/execute-api/${apiId}/prod/users/user123`);
      const byHost = await callApi(`http://${apiId}.execute-api.localhost:${cloud.port}/prod/users/user123`);

      expect(byPath).toEqual({ status: 200, json: { userId: 'user123', name: 'Test User' } });
      expect(byHost).toEqual(byPath);
    } finally {
      await page.close();
    }
    // Only deployed functions answer the data plane: the API list is unchanged, and the control plane still serves the SDK.
    const apigw = apiClient(cloud.endpoint);
    expect((await apigw.send(new GetRestApisCommand({}))).items!.map((a) => a.id)).toEqual([apiId]);
    apigw.destroy();
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'victim', Payload: Buffer.from('{}') }));
    expect(invoked.StatusCode).toBe(200);
    expect(existsSync(victimMarker)).toBe(true);
  });
});
