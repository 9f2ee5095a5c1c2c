/**
 * The trust-boundary guarantees on the tracing listeners the local cloud adds to its API port: the
 * daemon's TCP sampling proxy and the OTLP/HTTP and OTLP/gRPC receivers listen on loopback only,
 * refuse a foreign Host (`:authority` over gRPC: DNS rebinding) and a browser's cross-site request,
 * and the daemon port serves nothing but the sampling proxy.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../src/local/server.js';
import { XRayClient } from '@aws-sdk/client-xray';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';
import { recordedTree, toXrayTraceId } from '../support/otel.js';
import { segmentsOf } from '../support/otel-checks.js';
import { exportRaw, spansMessage } from '../support/otlp-grpc.js';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await withLocalCloud();
});
afterAll(() => cloud.close());

function call(port: number, path: string, headers: Record<string, string>, body = '{}'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const listener = (name: string) => cloud.listeners.find((l) => l.name === name)!;
const targets = () => [
  ['daemon TCP sampling proxy', listener('xray-daemon-tcp').port, '/GetSamplingRules'],
  ['OTLP/HTTP receiver', listener('otlp-http').port, '/v1/traces'],
] as const;

describe('the tracing listeners', () => {
  it('all listen on loopback, and the daemon\'s UDP and TCP sides share one port', () => {
    for (const l of cloud.listeners) expect(l.address).toBe('127.0.0.1');
    expect(listener('xray-daemon-tcp').port).toBe(listener('xray-daemon-udp').port);
    expect(cloud.listeners.map((l) => l.name).sort()).toEqual(['api', 'otlp-grpc', 'otlp-http', 'xray-daemon-tcp', 'xray-daemon-udp']);
  });

  it.each([
    ['a foreign Host (DNS rebinding)', { host: 'evil.example:2000' }, /not Host "evil\.example:2000"/],
    ['a cross-site Origin', { origin: 'https://evil.example' }, /Origin "https:\/\/evil\.example" is not a loopback origin/],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, /Sec-Fetch-Site: cross-site/],
    ['a no-cors browser fetch', { 'sec-fetch-mode': 'no-cors' }, /no-cors requests are refused/],
  ])('refuse %s', async (_what, headers, message) => {
    for (const [name, port, path] of targets()) {
      const r = await call(port, path, headers);

      expect(r.status, name).toBe(403);
      expect(JSON.parse(r.body).message, name).toMatch(message);
    }
  });

  it('accept the same request from a loopback name or *.localhost', async () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1']) {
      const r = await call(listener('xray-daemon-tcp').port, '/GetSamplingRules', { host, origin: `http://${host}:3000` });

      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.body).SamplingRuleRecords[0].SamplingRule.RuleName).toBe('Default');
    }
  });

  it('the daemon port serves only the sampling proxy', async () => {
    const r = await call(listener('xray-daemon-tcp').port, '/TraceSegments', {}, JSON.stringify({ TraceSegmentDocuments: [] }));

    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).message).toMatch(/serves the sampling proxy only: POST \/GetSamplingRules and POST \/SamplingTargets/);
  });
});

describe('the OTLP/gRPC receiver', () => {
  const grpcPort = () => listener('otlp-grpc').port;

  it.each([
    ['a foreign :authority (DNS rebinding)', { authority: 'evil.example:4317' }, /not Host "evil\.example:4317"/],
    ['a cross-site Origin (grpc-web from a page)', { metadata: { origin: 'https://evil.example' } }, /Origin "https:\/\/evil\.example" is not a loopback origin/],
    ['Sec-Fetch-Site: cross-site', { metadata: { 'sec-fetch-site': 'cross-site' } }, /Sec-Fetch-Site: cross-site/],
    ['a no-cors browser fetch', { metadata: { 'sec-fetch-mode': 'no-cors' } }, /no-cors requests are refused/],
  ])('refuses %s with PERMISSION_DENIED and one sentence, and stores nothing', async (what, opts, message) => {
    const xray = new XRayClient(clientConfig(cloud));
    const tree = recordedTree('grpc-refused', what, 'Refused');

    const r = await exportRaw(grpcPort(), spansMessage(tree.spans), opts);

    expect(r).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', details: expect.stringMatching(message) });
    expect(r.ok ? '' : r.details).not.toMatch(/\n|at .*\.js/);
    expect(await segmentsOf(xray, toXrayTraceId(tree.traceId))).toEqual([]);
    xray.destroy();
  });

  it('accepts a loopback :authority or *.localhost, with a loopback Origin', async () => {
    for (const name of ['localhost', 'app.localhost', '127.0.0.1']) {
      const tree = recordedTree('grpc-accepted', name, 'Accepted');

      const r = await exportRaw(grpcPort(), spansMessage(tree.spans), { authority: `${name}:${grpcPort()}`, metadata: { origin: `http://${name}:3000` } });

      expect(r, name).toEqual({ ok: true, rejectedSpans: 0, errorMessage: '' });
    }
  });
});
