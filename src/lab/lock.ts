/**
 * An advisory lock file next to the state file, so two runs on the same state cannot interleave.
 * Created with O_EXCL; the holder writes who it is so the loser can say so. A lock left by a dead
 * process on this host is taken over.
 */
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { UserError } from './errors.js';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface Lock {
  readonly path: string;
  release(): Promise<void>;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A dead child nobody reaped (e.g. no init in a container) still answers kill(pid, 0). Linux only. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

export async function acquireLock(path: string, command: string, now: () => number = Date.now): Promise<Lock> {
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date(now()).toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(me));
        await fh.sync();
      } finally {
        await fh.close();
      }
      return { path, release: () => unlink(path).catch(() => undefined) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readHolder(path);
    // A half-written lock (holder crashed between create and write) or a dead local holder is stale.
    const stale = holder === undefined || (holder.host === me.host && !isProcessAlive(holder.pid));
    if (!stale) {
      throw new UserError(
        `The state file is in use by another xray-lab run (pid ${holder.pid} on ${holder.host}, "${holder.command}", since ${holder.since})`,
        `Wait for it to finish; if that process is gone, delete ${path}.`,
      );
    }
    await unlink(path).catch(() => undefined);
  }
  throw new UserError(`Could not take the lock ${path}; another run keeps recreating it.`);
}
