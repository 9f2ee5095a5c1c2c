/**
 * Why the OTLP/gRPC receiver needs no more than its Host and Origin refusals against web pages: a
 * browser cannot speak its protocol. gRPC over cleartext needs HTTP/2 with prior knowledge (h2c), and
 * browsers speak HTTP/2 only over TLS (ALPN), so every request a page makes to the port is HTTP/1.1,
 * which the receiver's HTTP/2-only server never answers. Checked with Debian's Chromium
 * (playwright-core): a cross-site page's no-cors and CORS fetches of a well-formed gRPC-framed export,
 * a grpc-web-style fetch, and a navigation to the port (DNS rebinding) all fail, and nothing is stored;
 * the same message from a gRPC client is stored (so the message itself was valid).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XRayClient } from '@aws-sdk/client-xray';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { ATTACKER_HOST, REBIND_HOST, launchAttackerBrowser } from '../support/browser.js';
import { clientConfig, listenerPort, withLocalCloud } from '../support/local-cloud.js';
import { recordedTree, toXrayTraceId } from '../support/otel.js';
import { segmentsOf } from '../support/otel-checks.js';
import { exportRaw, spansMessage } from '../support/otlp-grpc.js';

const ATTACKER = ATTACKER_HOST;
const REBIND = REBIND_HOST;
const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const PAGE = `<!doctype html><meta charset="utf-8"><title>attacker</title><script>
async function attempt(name, run, out) {
  try { out[name] = await run(); } catch (e) { out[name] = 'blocked: ' + e.name; }
}
window.attackGrpc = async ({ url, framedBase64 }) => {
  const body = Uint8Array.from(atob(framedBase64), (c) => c.charCodeAt(0));
  const out = {};
  await attempt('noCorsTextPlain', async () => (await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body })).type, out);
  await attempt('corsGrpc', async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/grpc', te: 'trailers' }, body })).status, out);
  await attempt('corsGrpcWeb', async () => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' }, body })).status, out);
  return out;
};
</script>`;

/** A gRPC length-prefixed message: flag 0 (not compressed), 4-byte big-endian length, the bytes. */
function grpcFrame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

describe('a browser against the OTLP/gRPC receiver', () => {
  let cloud: LocalCloud;
  let xray: XRayClient;
  let grpcPort: number;
  let pageServer: Server;
  let pagePort: number;
  let browser: Browser;

  beforeAll(async () => {
    cloud = await withLocalCloud();
    xray = new XRayClient(clientConfig(cloud));
    grpcPort = listenerPort(cloud, 'otlp-grpc');
    pageServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pagePort = (pageServer.address() as AddressInfo).port;
    browser = await launchAttackerBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
    xray?.destroy();
    await cloud?.close();
  });

  it('a cross-site page\'s fetches of a valid export all fail, and nothing is stored', async () => {
    const tree = recordedTree('browser-grpc', 'b-1', 'Browser');
    const message = spansMessage(tree.spans);
    const page = await browser.newPage();
    await page.goto(`http://${ATTACKER}:${pagePort}/`);

    const out = await page.evaluate(`attackGrpc(${JSON.stringify({ url: `http://127.0.0.1:${grpcPort}${EXPORT_PATH}`, framedBase64: grpcFrame(message).toString('base64') })})`) as Record<string, string | number>;
    await page.close();

    expect(out).toEqual({ noCorsTextPlain: 'blocked: TypeError', corsGrpc: 'blocked: TypeError', corsGrpcWeb: 'blocked: TypeError' });
    const traceId = toXrayTraceId(tree.traceId);
    expect(await segmentsOf(xray, traceId)).toEqual([]);
    // The control: the very same message from a gRPC client is stored.
    expect(await exportRaw(grpcPort, message)).toEqual({ ok: true, rejectedSpans: 0, errorMessage: '' });
    expect((await segmentsOf(xray, traceId)).map((d) => d.name)).toContain('browser-grpc');
  });

  it('a navigation to the port under a rebinding name gets no page', async () => {
    const page = await browser.newPage();

    const outcome = await page.goto(`http://${REBIND}:${grpcPort}/`).then((r) => `status ${r?.status()}`, (e: Error) => e.message.split('\n')[0]!);
    await page.close();

    // The HTTP/2-only server answers an HTTP/1.1 request with HTTP/2 frames, which no browser takes for a response.
    expect(outcome).toMatch(/^page\.goto: net::ERR_(INVALID_HTTP_RESPONSE|EMPTY_RESPONSE|CONNECTION_RESET|CONNECTION_CLOSED) /);
  });
});
