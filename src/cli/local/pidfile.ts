/** The background local cloud's pid file and log file, both in its data dir. */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../lab/state.js';
import { isProcessAlive } from '../../lab/lock.js';

export interface LocalCloudInfo {
  pid: number;
  endpoint: string;
  port: number;
  dataDir: string;
  daemonAddress?: string;
  /** Every listener of the cloud (API, daemon UDP and TCP, OTLP), as `local status` shows them. */
  listeners?: { name: string; protocol: string; address: string; port: number; serves: string }[];
  startedAt: string;
  logFile: string;
}

export function pidFilePath(dataDir: string): string {
  return join(dataDir, 'local-cloud.pid');
}

export function logFilePath(dataDir: string): string {
  return join(dataDir, 'local-cloud.log');
}

export async function readPidFile(dataDir: string): Promise<LocalCloudInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(pidFilePath(dataDir), 'utf8')) as LocalCloudInfo;
    return typeof info.pid === 'number' && typeof info.endpoint === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

export async function writePidFile(info: LocalCloudInfo): Promise<void> {
  await writeFileAtomic(pidFilePath(info.dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the pid file only if it still names `pid`, so a newer instance's file survives. */
export async function removePidFile(dataDir: string, pid: number): Promise<void> {
  const info = await readPidFile(dataDir);
  if (info && info.pid !== pid) return;
  await unlink(pidFilePath(dataDir)).catch(() => undefined);
}

export interface HealthReport {
  status: string;
  pid?: number;
  endpoint?: string;
  /** The trace store: traces held and bytes of the database on disk. */
  xray?: { traces: number; diskBytes: number };
}

export async function fetchHealth(endpoint: string, timeoutMs = 1_000): Promise<HealthReport | undefined> {
  try {
    const res = await fetch(`${endpoint}/_xray-lab/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) return undefined;
    return (await res.json()) as HealthReport;
  } catch {
    return undefined;
  }
}

export type Liveness =
  /** `health` is the answer that proved it running, so a caller needing it (local status) does not ask again. */
  | { state: 'running'; info: LocalCloudInfo; health: HealthReport }
  | { state: 'stopped' }
  | { state: 'stale'; info: LocalCloudInfo }
  | { state: 'unresponsive'; info: LocalCloudInfo };

/** What the pid file says, checked against the process table and the health endpoint. */
export async function probe(dataDir: string): Promise<Liveness> {
  const info = await readPidFile(dataDir);
  if (!info) return { state: 'stopped' };
  if (!isProcessAlive(info.pid)) return { state: 'stale', info };
  const health = await fetchHealth(info.endpoint);
  if (health && (health.pid === undefined || health.pid === info.pid)) return { state: 'running', info, health };
  return (await looksLikeLocalCloud(info.pid)) ? { state: 'unresponsive', info } : { state: 'stale', info };
}

/** Guards against a recycled pid: on Linux, check the command line; elsewhere, assume it is ours. */
async function looksLikeLocalCloud(pid: number): Promise<boolean> {
  try {
    const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return cmd.includes('local') && cmd.includes('--foreground');
  } catch {
    return true;
  }
}
