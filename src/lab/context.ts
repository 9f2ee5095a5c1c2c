/** Everything a step may use. Steps construct nothing themselves: tests hand them a context. */
import type { Clients } from './clients.js';
import type { LabConfig } from './config.js';
import type { IO } from './io.js';
import type { StateStore } from './state.js';
import type { ResourceRecord, Target } from './state-types.js';

export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects when the signal aborts. Injected so tests need not wait. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface LabContext {
  config: LabConfig;
  target: Target;
  region: string;
  accountId: string;
  clients: Clients;
  state: StateStore;
  io: IO;
  clock: Clock;
  signal: AbortSignal;
  /** Identifies this invocation; stored on records and in the `xray-lab:run` tag. */
  runId: string;
}

/** What a step reports back: a one-line summary, structured details for --json, and explanations. */
export interface StepOutcome {
  summary: string;
  details?: Record<string, unknown>;
  notes?: string[];
}

export interface LabStep {
  /** Stable id; also the key of the step's records in the state file. */
  id: string;
  number: number;
  title: string;
  /** Ids of steps that must be done first. */
  requires: string[];
  /** Only queries (step 6): creates nothing, so `setup`, which builds the lab's resources, skips it. */
  readOnly?: boolean;
  run(ctx: LabContext): Promise<StepOutcome>;
  /**
   * Deletes one resource this step recorded; "not found" counts as deleted and returns 'already-gone'.
   * For every type src/lab/delete.ts knows, this is its deleteResource: one deleter per type.
   */
  teardown?(ctx: LabContext, resource: ResourceRecord): Promise<'deleted' | 'already-gone'>;
}

export function newRunId(now: number, random: () => number = Math.random): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${Math.floor(random() * 0xffffff).toString(16).padStart(6, '0')}`;
}

/** A record for a resource created now, by this run. */
export function newRecord(
  ctx: Pick<LabContext, 'clock' | 'region' | 'runId'>,
  fields: Omit<ResourceRecord, 'createdAt' | 'runId' | 'region' | 'status'> & { status?: ResourceRecord['status'] },
): ResourceRecord {
  return {
    region: ctx.region,
    createdAt: new Date(ctx.clock.now()).toISOString(),
    runId: ctx.runId,
    status: 'created',
    ...fields,
  };
}
