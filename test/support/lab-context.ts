/**
 * A lab run against a test's local cloud: temp state dir, clients with the local credentials, the
 * opened state store, and the LabContext steps and lessons take — what every step test set up by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients, LOCAL_CREDENTIALS, type Clients } from '../../src/lab/clients.js';
import { resolveConfig, type CommonFlags } from '../../src/lab/config.js';
import { systemClock, type Clock, type LabContext } from '../../src/lab/context.js';
import type { IO } from '../../src/lab/io.js';
import { StateStore } from '../../src/lab/state.js';
import type { LocalCloud } from '../../src/local/server.js';

export interface LabFixture {
  dir: string;
  clients: Clients;
  state: StateStore;
  context(o: { io: IO; clock?: Clock; flags?: CommonFlags }): LabContext;
  /** Closes the state store and the clients and removes the state dir. */
  dispose(): Promise<void>;
}

export async function openLabFixture(cloud: LocalCloud, prefix: string): Promise<LabFixture> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const clients = createClients({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint: cloud.endpoint });
  const state = await StateStore.open({ dir, target: 'local', accountId: cloud.env.accountId, region: 'us-east-1', command: 'test' });
  return {
    dir,
    clients,
    state,
    context: ({ io, clock = systemClock, flags = {} }) => ({
      config: { ...resolveConfig({ stateDir: dir, ...flags }, {}), endpoint: cloud.endpoint },
      target: 'local',
      region: 'us-east-1',
      accountId: cloud.env.accountId,
      clients,
      state,
      io,
      clock,
      signal: new AbortController().signal,
      runId: 'run-test',
    }),
    async dispose() {
      await state.close();
      clients.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
