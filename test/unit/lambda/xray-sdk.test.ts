import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fn, harness, json, payload, removeTempDirs, type Harness } from './helpers.js';

const sdkPath = createRequire(import.meta.url).resolve('aws-xray-sdk-core');

interface Doc { id: string; name: string; type?: string; trace_id: string; parent_id?: string; origin?: string;
  annotations?: Record<string, unknown>; subsegments?: Doc[] }

describe('LambdaEngine with the real X-Ray SDK inside the function', () => {
  let h: Harness;
  let udp: Socket;
  afterEach(async () => {
    await h?.engine.close();
    udp?.close();
  });
  afterAll(removeTempDirs);

  it('attaches the SDK subsegments under the Invocation subsegment, sent to AWS_XRAY_DAEMON_ADDRESS', async () => {
    const received: Doc[] = [];
    udp = createSocket('udp4');
    udp.on('message', (msg) => {
      const [header, body] = msg.toString('utf8').split('\n');
      if (JSON.parse(header ?? '{}').format === 'json' && body) received.push(JSON.parse(body) as Doc);
    });
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const daemonAddress = `127.0.0.1:${(udp.address() as AddressInfo).port}`;
    h = harness({ daemonAddress });
    const spec = fn({
      'index.js': `const AWSXRay = require(${JSON.stringify(sdkPath)});
exports.handler = async (e) => AWSXRay.captureAsyncFunc('work', async (sub) => {
  sub.addAnnotation('userId', e.userId);
  sub.close();
  return 'done';
});`,
    }, { tracingMode: 'Active' });

    const r = await h.engine.invoke(spec, { payload: payload({ userId: 'u-1' }), traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' });
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((res) => setTimeout(res, 20));

    expect(json(r.payload)).toBe('done');
    const fnSeg = h.segments.map((d) => JSON.parse(d) as Doc).find((d) => d.origin === 'AWS::Lambda::Function');
    const invocation = fnSeg?.subsegments?.find((s) => s.name === 'Invocation');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      name: 'work', type: 'subsegment', trace_id: r.traceId, parent_id: invocation?.id, annotations: { userId: 'u-1' },
    });
  });
});
