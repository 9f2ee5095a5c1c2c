/**
 * The "done when": an Express app with the X-Ray SDK and a plain OpenTelemetry app, each
 * configured only by the environment variables the README gives, show up in one `xray-lab traces map`,
 * with the user's sampling rules obeyed and annotation filters working.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BatchGetTracesCommand, CreateSamplingRuleCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import type { LocalCloud } from '../../src/local/server.js';
import { REPO_ROOT, makeSandbox, type Sandbox } from '../support/cli.js';
import { startChildApp, type ChildApp } from '../support/child-app.js';
import { clientConfig, listenerPort, withLocalCloud } from '../support/local-cloud.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'byo');

describe('bring your own app: an X-Ray SDK app and an OpenTelemetry app in one service map', () => {
  let cloud: LocalCloud;
  let xray: XRayClient;
  let sb: Sandbox;
  let express: ChildApp;
  let otel: ChildApp;

  beforeAll(async () => {
    cloud = await withLocalCloud();
    xray = new XRayClient(clientConfig(cloud));
    sb = await makeSandbox();
    const base = { ResourceARN: '*', ServiceName: 'xray-express-app', ServiceType: '*', Host: '*', HTTPMethod: '*', Version: 1, ReservoirSize: 0 };
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: { ...base, RuleName: 'checkout-all', Priority: 1, FixedRate: 1, URLPath: '/checkout*' } }));
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: { ...base, RuleName: 'skip-none', Priority: 2, FixedRate: 0, URLPath: '/skip*' } }));
    otel = await startChildApp(process.execPath, [join(FIXTURES, 'otel-app.mjs')], {
      PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${listenerPort(cloud, 'otlp-http')}`, OTEL_SERVICE_NAME: 'otel-users',
    });
    express = await startChildApp(process.execPath, [join(FIXTURES, 'xray-express-app.mjs')], {
      PATH: process.env.PATH, AWS_XRAY_DAEMON_ADDRESS: cloud.daemonAddress, AWS_XRAY_DEBUG_MODE: 'TRUE', OTEL_APP_URL: otel.url,
    });
    await fetch(`${express.url}/warmup`);
    await express.waitFor('Successfully refreshed centralized sampling rule cache.');
  }, 60_000);
  afterAll(async () => {
    await express?.stop();
    await otel?.stop();
    await sb?.dispose();
    await cloud?.close();
  });

  async function summaries(filter: string) {
    const now = Date.now();
    const r = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), FilterExpression: filter }));
    return r.TraceSummaries ?? [];
  }

  it('joins both apps in one trace and one map, obeys the rules, and filters on annotations', async () => {
    for (let i = 0; i < 3; i++) await fetch(`${express.url}/skip/${i}`);
    expect((await fetch(`${express.url}/checkout/u-42`)).status).toBe(200);

    let found = await summaries('annotation.lab_user = "u-42"');
    for (let i = 0; i < 40 && found.length < 1; i++) {
      await new Promise((r) => setTimeout(r, 250));
      found = await summaries('annotation.lab_user = "u-42"');
    }
    expect(found).toHaveLength(1);
    // The express app sends its segment over UDP when its response has ended, after the OTel app's spans: wait for all.
    await vi.waitFor(async () => {
      const { Traces } = await xray.send(new BatchGetTracesCommand({ TraceIds: [found[0]!.Id!] }));
      const names = (Traces?.[0]?.Segments ?? []).map((s) => (JSON.parse(s.Document!) as { name: string }).name).sort();
      expect(names).toEqual(['DynamoDB', 'otel-users', 'xray-express-app']);
    }, { timeout: 10_000, interval: 250 });
    expect(await summaries('service("xray-express-app") AND http.url CONTAINS "/skip/"')).toHaveLength(0);
    expect(await summaries('service("otel-users") AND annotation.lab_user = "u-42"')).toHaveLength(1);

    const [json, text] = await Promise.all([
      sb.run(['traces', 'map', '--json', '--endpoint-url', cloud.endpoint]),
      sb.run(['traces', 'map', '--endpoint-url', cloud.endpoint]),
    ]);

    expect(json.code, json.stderr).toBe(0);
    const services = (JSON.parse(json.stdout) as { Services: { Name?: string; Type?: string }[] }).Services;
    // AWS's client node has no name; apps without an origin have no type.
    expect(services.map((s) => `${s.Type ?? '-'}:${s.Name ?? '-'}`).sort()).toEqual(
      ['AWS::DynamoDB::Table:Users', 'client:-', '-:otel-users', '-:xray-express-app'].sort(),
    );
    expect(text.stdout).toContain('xray-express-app ─▶ otel-users');
    expect(text.stdout).toContain('otel-users ─▶ Users');
  }, 60_000);
});
