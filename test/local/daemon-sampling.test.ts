import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateSamplingRuleCommand, GetSamplingStatisticSummariesCommand, GetTraceSummariesCommand, XRayClient, type SamplingStatisticSummary,
} from '@aws-sdk/client-xray';
import type { LocalCloud } from '../../src/local/server.js';
import { REPO_ROOT } from '../support/cli.js';
import { startChildApp } from '../support/child-app.js';
import { clientConfig, withLocalCloud } from '../support/local-cloud.js';

const EXPRESS_APP = join(REPO_ROOT, 'test', 'fixtures', 'byo', 'xray-express-app.mjs');
const PYTHON_APP = join(REPO_ROOT, 'test', 'fixtures', 'byo', 'xray-python-app.py');
const PYTHON_HAS_SDK = spawnSync('python3', ['-c', 'import aws_xray_sdk'], { stdio: 'ignore' }).status === 0;
const RULES_FETCHED = 'Successfully refreshed centralized sampling rule cache.';
const REQUESTS = 8;

let cloud: LocalCloud;
let xray: XRayClient;
beforeAll(async () => {
  cloud = await withLocalCloud();
  xray = new XRayClient(clientConfig(cloud));
});
afterAll(() => cloud.close());

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: still ${JSON.stringify(v)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function traceCount(filter: string): Promise<number> {
  const now = Date.now();
  const r = await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000), FilterExpression: filter }));
  return r.TraceSummaries?.length ?? 0;
}

async function createRules(app: string): Promise<void> {
  const base = { ResourceARN: '*', ServiceName: app, ServiceType: '*', Host: '*', HTTPMethod: 'GET', Version: 1, ReservoirSize: 0 };
  await xray.send(new CreateSamplingRuleCommand({ SamplingRule: { ...base, RuleName: `${app}-hit`, Priority: 10, FixedRate: 1, URLPath: '/hit*' } }));
  await xray.send(new CreateSamplingRuleCommand({ SamplingRule: { ...base, RuleName: `${app}-skip`, Priority: 11, FixedRate: 0, URLPath: '/skip*' } }));
}

/**
 * Every /hit request of `app` traced and no /skip one, then the SDK's statistics for both rules, which it
 * reports to /SamplingTargets every 10 s.
 */
async function expectRulesObeyed(app: string): Promise<SamplingStatisticSummary[]> {
  const hits = await eventually(() => traceCount(`service("${app}") AND http.url CONTAINS "/hit/"`), (n) => n >= REQUESTS, 'sampled /hit traces');
  expect(hits).toBe(REQUESTS);
  expect(await traceCount(`service("${app}") AND http.url CONTAINS "/skip/"`)).toBe(0);
  return eventually(
    async () => (await xray.send(new GetSamplingStatisticSummariesCommand({}))).SamplingStatisticSummaries ?? [],
    (s: SamplingStatisticSummary[]) => s.some((x) => x.RuleName === `${app}-hit` && x.RequestCount === REQUESTS) && s.some((x) => x.RuleName === `${app}-skip` && x.RequestCount === REQUESTS),
    'the SDK\'s sampling statistics', 40_000,
  );
}

describe('the daemon\'s /SamplingTargets', () => {
  it('hands an SDK client its reservoir quota and rate for the user\'s rule, as the API does', async () => {
    await xray.send(new CreateSamplingRuleCommand({ SamplingRule: {
      RuleName: 'quota-4', ResourceARN: '*', Priority: 50, FixedRate: 0.25, ReservoirSize: 4, ServiceName: 'quota-app', ServiceType: '*', Host: '*', HTTPMethod: '*', URLPath: '*', Version: 1,
    } }));
    const port = cloud.daemonAddress.split(':').pop()!;
    const body = { SamplingStatisticsDocuments: [{ RuleName: 'quota-4', ClientID: 'aaaaaaaaaaaaaaaaaaaaaaaa', RequestCount: 3, BorrowCount: 1, SampledCount: 2, Timestamp: Math.floor(Date.now() / 1000) }] };

    const res = await fetch(`http://127.0.0.1:${port}/SamplingTargets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    expect(res.status).toBe(200);
    const out = (await res.json()) as { SamplingTargetDocuments: { RuleName: string; FixedRate: number; ReservoirQuota?: number; Interval?: number }[] };
    expect(out.SamplingTargetDocuments).toEqual([expect.objectContaining({ RuleName: 'quota-4', FixedRate: 0.25, ReservoirQuota: 4, Interval: 10 })]);
  });
});

describe('an X-Ray SDK app (aws-xray-sdk-express) on the daemon address', () => {
  it.each([
    ['single', 'express-single', (port: string) => `127.0.0.1:${port}`],
    ['two-address', 'express-two', (port: string) => `tcp:127.0.0.1:${port} udp:127.0.0.1:${port}`],
  ] as const)('fetches the user\'s rules over TCP (%s form), obeys them exactly, and reports its statistics', async (_form, app, address) => {
    await createRules(app);
    const port = cloud.daemonAddress.split(':').pop()!;
    const express = await startChildApp(process.execPath, [EXPRESS_APP], {
      PATH: process.env.PATH, APP_NAME: app, AWS_XRAY_DAEMON_ADDRESS: address(port), AWS_XRAY_DEBUG_MODE: 'TRUE', AWS_REGION: 'us-east-1',
    });
    try {
      // The SDK starts polling rules at its first sampling decision; that one request uses its local fallback rule.
      await fetch(`${express.url}/warmup`);
      await express.waitFor(RULES_FETCHED);

      for (let i = 0; i < REQUESTS; i++) await fetch(`${express.url}/skip/${i}`);
      for (let i = 0; i < REQUESTS; i++) await fetch(`${express.url}/hit/${i}`);

      const stats = await expectRulesObeyed(app);
      expect(stats.find((x) => x.RuleName === `${app}-hit`)).toMatchObject({ RequestCount: REQUESTS, SampledCount: REQUESTS, BorrowCount: 0 });
      expect(stats.find((x) => x.RuleName === `${app}-skip`)).toMatchObject({ RequestCount: REQUESTS, SampledCount: 0 });
      expect(express.output()).not.toContain('Failed to');
    } finally {
      await express.stop();
    }
  }, 90_000);
});

if (!PYTHON_HAS_SDK) console.log('skipping the X-Ray SDK for Python test: python3 cannot import aws_xray_sdk (pip install aws-xray-sdk)');

describe.skipIf(!PYTHON_HAS_SDK)('an X-Ray SDK for Python app on the daemon address', () => {
  it('fetches the user\'s rules over TCP, obeys them exactly, and reports its statistics', async () => {
    const app = 'python-app';
    await createRules(app);
    const paths = [...Array.from({ length: REQUESTS }, (_, i) => `/skip/${i}`), ...Array.from({ length: REQUESTS }, (_, i) => `/hit/${i}`)];
    const py = await startPython(app, paths);
    try {
      await py.waitFor('DONE');
      expect(py.output()).toContain('RULES-LOADED');

      const stats = await expectRulesObeyed(app);
      expect(stats.find((x) => x.RuleName === `${app}-hit`)).toMatchObject({ RequestCount: REQUESTS, SampledCount: REQUESTS });
      expect(stats.find((x) => x.RuleName === `${app}-skip`)).toMatchObject({ RequestCount: REQUESTS, SampledCount: 0 });
    } finally {
      await py.stop();
    }
  }, 90_000);

  /** The Python app prints no LISTENING line: wait for its own markers instead. */
  async function startPython(app: string, paths: string[]) {
    const { spawn } = await import('node:child_process');
    const child = spawn('python3', [PYTHON_APP, ...paths], { env: { PATH: process.env.PATH, HOME: process.env.HOME, APP_NAME: app, AWS_XRAY_DAEMON_ADDRESS: cloud.daemonAddress, STAY: '40' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    return {
      output: () => out,
      waitFor: (text: string) => eventually(async () => out.includes(text), (ok) => ok, `python app output "${text}" (output: ${out})`, 30_000),
      stop: () => new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
    };
  }
});
