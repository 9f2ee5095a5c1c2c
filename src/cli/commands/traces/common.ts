/**
 * What every `traces` subcommand shares: a read-only session (clients and IO, no state lock and no
 * STS call: queries change nothing), the polling budget, terminal render options and API-shaped JSON.
 */
import { Chalk } from 'chalk';
import type { XRayClient } from '@aws-sdk/client-xray';
import { resolveConfig, type CommonFlags, type LabConfig } from '../../../lab/config.js';
import { systemClock, type Clock } from '../../../lab/context.js';
import type { IO } from '../../../lab/io.js';
import { defaultWaitMs } from '../../../lab/traces/poll.js';
import { parseWait, resolveWindow, type TimeWindow, type WindowFlags } from '../../../lab/traces/window.js';
import type { RenderOptions } from '../../render/text.js';
import { commandSignal } from '../../exit.js';
import { createIO } from '../../io-terminal.js';
import { clientsFor, localEndpoint } from '../../session.js';
import { colorLevel } from '../../terminal.js';

export interface TraceFlags extends CommonFlags, WindowFlags {
  filter?: string;
  limit?: string;
  wait?: string;
}

export interface QuerySession {
  config: LabConfig;
  io: IO;
  clock: Clock;
  signal: AbortSignal;
  xray: XRayClient;
  /** How long queries may poll for traces X-Ray has not indexed yet. */
  waitMs: number;
  close(): void;
}

/** Validates the flags every subcommand shares before anything is started or called. */
export function checkCommonFlags(flags: TraceFlags, defaultSince: string): void {
  resolveWindow(flags, Date.now(), defaultSince);
  if (flags.wait !== undefined) parseWait(flags.wait);
}

/** The window for one attempt: `--since` slides with the clock while we poll; `--start/--end` stay put. */
export function windowAt(flags: WindowFlags, clock: Clock, defaultSince: string): TimeWindow {
  return resolveWindow(flags, clock.now(), defaultSince);
}

export async function openQuerySession(flags: TraceFlags): Promise<QuerySession> {
  const config = resolveConfig(flags);
  const io = createIO(config.json);
  const waitMs = flags.wait !== undefined ? parseWait(flags.wait) : defaultWaitMs(config.target);
  const endpoint = config.target === 'local' ? await localEndpoint(config, io, true) : config.endpoint;
  const clients = clientsFor(config, endpoint);
  return {
    config: { ...config, ...(endpoint ? { endpoint } : {}) },
    io,
    clock: systemClock,
    signal: commandSignal(),
    xray: await clients.xray(),
    waitMs,
    close: () => clients.destroy(),
  };
}

/** Colour as terminal.ts decides for stdout (a terminal, NO_COLOR/FORCE_COLOR honoured). */
export function renderOptions(env: NodeJS.ProcessEnv = process.env, out: NodeJS.WriteStream = process.stdout): RenderOptions {
  const level = colorLevel(out, env);
  const width = out.isTTY && out.columns ? out.columns : Number(env.COLUMNS) > 0 ? Number(env.COLUMNS) : 120;
  return { chalk: new Chalk({ level }), width };
}
