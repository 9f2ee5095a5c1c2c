import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../../src/local/lifecycle.js';
import { startLocalCloud, type LambdaRunnerHooks } from '../../../src/local/server.js';
import { tempDir } from '../../support/local-cloud.js';

describe('local cloud lifecycle', () => {
  it('stops parts newest first, tries every part, then reports the first failure', async () => {
    const lifecycle = new Lifecycle();
    const stopped: string[] = [];
    lifecycle.add('database', () => void stopped.push('database'));
    lifecycle.add('daemon', async () => {
      stopped.push('daemon');
      throw new Error('socket already closed');
    });
    lifecycle.add('port', () => void stopped.push('port'));

    await expect(lifecycle.stop()).rejects.toThrow("Stopping the local cloud's daemon failed: socket already closed");
    expect(stopped).toEqual(['port', 'daemon', 'database']);
    await lifecycle.stop();
    expect(stopped).toHaveLength(3);
  });

  it('wires the Lambda runner before the API port opens, and gives it the endpoint once it is open', async () => {
    let hooks: LambdaRunnerHooks | undefined;
    let readTooEarly: unknown;
    const cloud = await startLocalCloud({
      port: 0,
      createLambdaRunner: (h) => {
        hooks = h;
        try {
          void h.endpoint;
        } catch (err) {
          readTooEarly = err;
        }
        return { invoke: () => Promise.reject(new Error('not invoked in this test')), evict: () => undefined, close: async () => undefined };
      },
    });
    try {
      expect(String(readTooEarly)).toContain('read before its port was open');
      expect(hooks?.endpoint).toBe(cloud.endpoint);
    } finally {
      await cloud.close();
    }
    // A second close is the same stop, not a second one.
    await cloud.close();
  });

  it('undoes what had started when a start fails: the same data folder opens again at once', async () => {
    const dir = tempDir();
    const first = await startLocalCloud({ port: 0 });
    try {
      // The database, DynamoDB's LevelDB (which locks its folder) and the daemon start before the port fails.
      await expect(startLocalCloud({ port: first.port, daemonPort: 0, otlpPort: 0, otlpGrpcPort: 0, dataDir: dir.path })).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is already in use`);
      const again = await startLocalCloud({ port: 0, dataDir: dir.path });
      await again.close();
    } finally {
      await first.close();
      dir.remove();
    }
  });
});
