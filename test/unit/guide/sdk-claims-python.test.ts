/**
 * The walkthrough's claims about the Python X-Ray SDK (issue 20, items 1 and 3), checked against the real
 * aws_xray_sdk of this machine's Python: the guide's handler shape, run in Lambda mode, records its
 * annotations on user_processing without raising; only annotating the facade itself raises; a version 2
 * local-rules document with service_name is rejected, a version 1 one accepted. Skipped, with a message,
 * where that Python package is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GUIDE_SAMPLING_DOCUMENT } from '../../../src/lab/guide.js';

const HANDLER = fileURLToPath(new URL('./python/guide_handler.py', import.meta.url));
const LOCAL_RULES = fileURLToPath(new URL('./python/local_rules.py', import.meta.url));

function pythonSdkVersion(): string | undefined {
  try {
    return execFileSync('python3', ['-c', 'import aws_xray_sdk.version as v; print(v.VERSION)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
const sdkVersion = pythonSdkVersion();
if (!sdkVersion) console.warn('Skipping the Python X-Ray SDK checks: python3 with the aws-xray-sdk package is not installed here.');

interface Entity { name: string; type?: string; parent_id?: string; annotations?: Record<string, unknown> }
const TRACE_ID = '1-5759e988-bd862e3fe1be46a994272793';
const FACADE_ID = '53995c3f42cd8ad8';

describe.skipIf(!sdkVersion)(`the Python X-Ray SDK ${sdkVersion ?? '(absent)'}`, () => {
  let udp: Socket | undefined;
  afterEach(() => {
    udp?.close();
    udp = undefined;
  });

  /** Runs the handler script in Lambda mode with a UDP socket as the daemon; returns its answer and what it sent. */
  async function runInLambdaMode(args: string[]): Promise<{ answer: { returned?: { statusCode: number }; raised?: string }; sent: Entity[] }> {
    const sent: Entity[] = [];
    udp = createSocket('udp4');
    udp.on('message', (msg) => {
      const [header, body] = msg.toString('utf8').split('\n');
      if (JSON.parse(header ?? '{}').format === 'json' && body) sent.push(JSON.parse(body) as Entity);
    });
    await new Promise<void>((resolve) => udp!.bind(0, '127.0.0.1', resolve));
    const env = {
      PATH: process.env.PATH,
      LAMBDA_TASK_ROOT: '/var/task',
      _X_AMZN_TRACE_ID: `Root=${TRACE_ID};Parent=${FACADE_ID};Sampled=1`,
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(udp.address() as AddressInfo).port}`,
    };
    const run = spawnSync('python3', [HANDLER, ...args], { env, encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    // The datagrams are already in the socket's buffer; let the event loop read them (bounded, not timed).
    for (let i = 0; i < 100 && !sent.some((e) => e.name === 'lambda_handler') && args.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    return { answer: JSON.parse(run.stdout.trim().split('\n').at(-1)!), sent };
  }

  it("the guide's handler annotates user_processing, not the facade, and does not raise", async () => {
    const { answer, sent } = await runInLambdaMode([]);

    expect(answer.raised).toBeUndefined();
    expect(answer.returned?.statusCode).toBe(200);
    const processing = sent.find((e) => e.name === 'user_processing');
    const handler = sent.find((e) => e.name === 'lambda_handler');
    expect(processing?.annotations).toEqual({ service: 'user-service', operation: 'GET', user_found: true });
    expect(processing?.parent_id).toBe((handler as { id?: string } | undefined)?.id);
    expect(handler?.parent_id).toBe(FACADE_ID);
    // The facade itself is never sent.
    expect(sent.every((e) => e.type === 'subsegment')).toBe(true);
  });

  it('annotating the facade segment itself raises FacadeSegmentMutationException', async () => {
    const { answer } = await runInLambdaMode(['facade']);

    expect(answer.raised).toBe('FacadeSegmentMutationException');
  });

  it('rejects service_name in a version 2 local-rules document (the guide\'s), accepts it in version 1', () => {
    const v1 = { ...structuredClone(GUIDE_SAMPLING_DOCUMENT), version: 1 };
    const withHost = JSON.parse(JSON.stringify(GUIDE_SAMPLING_DOCUMENT)) as { rules: Record<string, unknown>[] };
    for (const r of withHost.rules) {
      r.host = r.service_name;
      delete r.service_name;
    }
    const run = spawnSync('python3', [LOCAL_RULES], { input: JSON.stringify([GUIDE_SAMPLING_DOCUMENT, v1, withHost]), encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    const [guide, version1, hostV2] = JSON.parse(run.stdout) as { accepted: boolean; error?: string; message?: string }[];

    expect(guide).toMatchObject({ accepted: false, error: 'InvalidSamplingManifestError' });
    expect(guide.message).toMatch(/host/);
    expect(version1).toEqual({ accepted: true });
    expect(hostV2).toEqual({ accepted: true });
  });
});
