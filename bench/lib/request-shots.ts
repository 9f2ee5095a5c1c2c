/**
 * The request-path benchmark's measurements: a closed-loop autocannon shot with CPU per request and
 * the execution environments it started, and a fixed-rate run with `xray-lab load`'s engine.
 */
import { runLoad } from '../../src/lab/load/run-load.js';
import type { LoadReport } from '../../src/lab/load/types.js';
import { autocannon, type CannonResult } from './autocannon.js';
import { childPids, cpuOfTree } from './proc.js';
import { median } from './stats.js';

/** The issue-15 load: 32 connections, and a fixed 250 req/s over them. */
export const TARGET_CONNECTIONS = 32;
export const FIXED_RPS = 250;

export interface Shot {
  rps: number;
  p50: number;
  p99: number;
  bad: number;
  /** CPU ms per request of the server process, its children (Lambda functions) and the generator (this process). */
  cpu?: { server: number; children: number; generator: number };
  /** Stack only: its execution environments (the cloud's child processes) at the end, and how many started during the run (cold starts). */
  envs?: Environments;
}

export interface Environments {
  live: number;
  started: number;
}

/**
 * Counts the local cloud's execution environments around `work`: every function process is a child of
 * the cloud, so a pid that was not there before is a cold start of this run.
 */
async function countingEnvironments<T>(cloudPid: number | undefined, work: () => Promise<T>): Promise<{ result: T; envs?: Environments }> {
  if (cloudPid === undefined) return { result: await work() };
  const before = new Set(childPids(cloudPid));
  const result = await work();
  const after = childPids(cloudPid);
  return { result, envs: { live: after.length, started: after.filter((p) => !before.has(p)).length } };
}

export async function shot(url: string, connections: number, seconds: number | undefined, amount?: number, serverPid?: number, cloudPid?: number): Promise<Shot> {
  const tree = serverPid ? cpuOfTree(serverPid) : undefined;
  const gen0 = process.cpuUsage();
  const { result: r, envs } = await countingEnvironments<CannonResult>(cloudPid, () => autocannon({ url, connections, ...(amount ? { amount } : { duration: seconds }) }));
  const gen = process.cpuUsage(gen0);
  const used = tree?.stop();
  const n = Math.max(1, r.requests.total);
  const cpu = used ? { server: used.self / n, children: used.children / n, generator: (gen.user + gen.system) / 1000 / n } : undefined;
  return { rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99, bad: r.errors + r.timeouts + r.non2xx, cpu, envs };
}

/**
 * Fixed-rate run with `xray-lab load`'s engine (wrk2-style, checked by the load-honesty benchmark):
 * requests go out on a schedule whatever the server does, latency counts from the scheduled time, and
 * requests finding all 32 connections busy wait for one — that wait is part of their latency.
 */
export async function atRate(baseUrl: string, seconds: number, rps = FIXED_RPS, cloudPid?: number): Promise<{ report: LoadReport; sampledIds: string[]; envs?: Environments }> {
  const sampledIds: string[] = [];
  const { result: report, envs } = await countingEnvironments(cloudPid, () => runLoad({
    baseUrl, users: ['user123'], mode: { kind: 'rate', rps }, duration: seconds * 1000,
    maxConnections: TARGET_CONNECTIONS, timeoutMs: 10_000,
    onSample: (s) => {
      if (s.sampled && s.traceId) sampledIds.push(s.traceId);
    },
  }));
  return { report, sampledIds, envs };
}

export function med(shots: Shot[]): Shot {
  const cpus = shots.flatMap((s) => (s.cpu ? [s.cpu] : []));
  const cpu = cpus.length ? { server: median(cpus.map((c) => c.server)), children: median(cpus.map((c) => c.children)), generator: median(cpus.map((c) => c.generator)) } : undefined;
  const envs = shots.flatMap((s) => (s.envs ? [s.envs] : []));
  return { rps: median(shots.map((s) => s.rps)), p50: median(shots.map((s) => s.p50)), p99: median(shots.map((s) => s.p99)), bad: shots.reduce((n, s) => n + s.bad, 0), cpu,
    envs: envs.length ? { live: Math.max(...envs.map((e) => e.live)), started: envs.reduce((n, e) => n + e.started, 0) } : undefined };
}

