/**
 * Builds the context lab commands run in: config, IO, the local cloud (started if needed), clients,
 * the account, and the locked state store. Closing it releases the lock and the sockets.
 */
import { createClients, LOCAL_CREDENTIALS, type Clients } from '../lab/clients.js';
import { resolveConfig, type CommonFlags, type LabConfig } from '../lab/config.js';
import { newRunId, systemClock, type LabContext } from '../lab/context.js';
import { isAwsSdkError, isMissingCredentials, LabError } from '../lab/errors.js';
import type { IO } from '../lab/io.js';
import { StateStore } from '../lab/state.js';
import { commandSignal } from './exit.js';
import { createIO } from './io-terminal.js';
import { startBackground } from './local/manager.js';
import { probe } from './local/pidfile.js';

export interface Session {
  ctx: LabContext;
  close(): Promise<void>;
}

/** The endpoint for the local target: the flag if given, else the managed local cloud (started on demand). */
export async function localEndpoint(config: LabConfig, io: IO, start: boolean): Promise<string | undefined> {
  if (config.endpoint && config.endpoint !== `http://${config.local.host}:${config.local.port}`) return config.endpoint;
  const live = await probe(config.local.dataDir);
  if (live.state === 'running') return live.info.endpoint;
  if (!start) return undefined;
  return (await startBackground(config.local, io)).info.endpoint;
}

export function clientsFor(config: LabConfig, endpoint: string | undefined): Clients {
  return createClients({
    region: config.region,
    ...(config.target === 'local' ? { credentials: LOCAL_CREDENTIALS } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    ...(config.crashPoint ? { crashPoint: config.crashPoint } : {}),
  });
}

export async function accountOf(clients: Clients, config: LabConfig, signal?: AbortSignal): Promise<string> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  try {
    const id = await (await clients.sts()).send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    if (!id.Account) throw new LabError('STS GetCallerIdentity returned no account id.');
    return id.Account;
  } catch (e) {
    if (isMissingCredentials(e) || isAwsSdkError(e) || signal?.aborted) throw e;
    const where = config.endpoint ?? `AWS in ${config.region}`;
    throw new LabError(`Could not reach ${where} to identify the account: ${(e as Error).message}`, { cause: e });
  }
}

/** What every command that talks to a target needs: config, IO, the abort signal, the endpoint (local cloud started on demand) and clients. */
export interface Connection {
  config: LabConfig;
  io: IO;
  signal: AbortSignal;
  endpoint?: string;
  clients: Clients;
}

export async function connect(flags: CommonFlags): Promise<Connection> {
  const config = resolveConfig(flags);
  const io = createIO(config.json);
  const signal = commandSignal();
  const endpoint = config.target === 'local' ? await localEndpoint(config, io, true) : config.endpoint;
  return { config, io, signal, ...(endpoint ? { endpoint } : {}), clients: clientsFor(config, endpoint) };
}

export async function openSession(flags: CommonFlags, command: string): Promise<Session> {
  const { config, io, signal, endpoint, clients } = await connect(flags);
  try {
    const accountId = await accountOf(clients, config, signal);
    const state = await StateStore.open({
      dir: config.stateDir,
      target: config.target,
      accountId,
      region: config.region,
      ...(endpoint ? { endpoint } : {}),
      command,
    });
    const ctx: LabContext = {
      config: { ...config, ...(endpoint ? { endpoint } : {}) },
      target: config.target,
      region: config.region,
      accountId,
      clients,
      state,
      io,
      clock: systemClock,
      signal,
      runId: newRunId(Date.now()),
    };
    return {
      ctx,
      async close() {
        await state.close();
        clients.destroy();
      },
    };
  } catch (e) {
    clients.destroy();
    throw e;
  }
}
