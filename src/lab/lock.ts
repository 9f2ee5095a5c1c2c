/**
 * An advisory lock file next to the state file, so two runs on the same state cannot interleave.
 * The holder's record is written to a private file first and then hard-linked into place: link() is
 * atomic and fails when the lock exists, so a lock file is never seen empty or half-written and a run
 * that finds one unreadable knows it is not a run still writing it. A lock left by a dead process on
 * this host is taken over, one run at a time (see takeOver), so two runs that both find the same
 * stale lock cannot delete each other's fresh one.
 */
import { readFileSync } from 'node:fs';
import { link, open, stat, unlink, writeFile } from 'node:fs/promises';
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

/** The lock's holder (undefined when unreadable) and the identity of the file it was read from. */
async function readHolder(path: string): Promise<{ holder?: LockHolder; ino: number } | undefined> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return undefined; // gone already: just try again
  }
  try {
    const { ino } = await fh.stat();
    try {
      return { holder: JSON.parse(await fh.readFile('utf8')) as LockHolder, ino };
    } catch {
      return { ino };
    }
  } finally {
    await fh.close();
  }
}

const uniqueSuffix = () => `${process.pid}-${Math.random().toString(16).slice(2)}`;

/** Creates the lock with the whole record in it, or answers false when it exists. */
async function createLock(path: string, me: LockHolder): Promise<number | false> {
  const draft = `${path}.draft-${uniqueSuffix()}`;
  await writeFile(draft, JSON.stringify(me), { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, path);
    return (await stat(path)).ino;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/** How long a takeover may take before another run may assume its taker died mid-way. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Removing a stale lock is serialised by a second, short-lived lock (`<lock>.takeover`): two runs that
 * both find the same stale lock would otherwise race, and the slower one would delete the lock the
 * faster one had just created. Inside, the lock is judged again: only its owner's release and a
 * takeover ever remove a lock, so what is judged stale here is what gets removed. Answers false when
 * another run is taking over right now.
 */
async function takeOver(path: string, me: LockHolder): Promise<number | false | 'held'> {
  const mutex = `${path}.takeover`;
  let fh;
  try {
    fh = await open(mutex, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // A taker that died mid-way (a crash within a few milliseconds) must not block every later run.
    const age = await stat(mutex).then((st) => Date.now() - st.mtimeMs, () => 0);
    if (age > TAKEOVER_STALE_MS) await unlink(mutex).catch(() => undefined);
    return false;
  }
  try {
    await fh.close();
    const found = await readHolder(path);
    if (found && !isStale(found.holder, me)) return 'held';
    if (found) await unlink(path).catch(() => undefined);
    return await createLock(path, me);
  } finally {
    await unlink(mutex).catch(() => undefined);
  }
}

/** Unreadable (a crash of an older version mid-write, or disk damage) or held by a dead process on this host. */
function isStale(holder: LockHolder | undefined, me: LockHolder): boolean {
  return holder === undefined || (holder.host === me.host && !isProcessAlive(holder.pid));
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function acquireLock(path: string, command: string, now: () => number = Date.now): Promise<Lock> {
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date(now()).toISOString() };
  for (let attempt = 0; attempt < 100; attempt++) {
    const ino = await createLock(path, me);
    if (ino !== false) return { path, release: () => releaseLock(path, ino) };
    const found = await readHolder(path);
    if (!found) continue;
    const { holder } = found;
    if (!isStale(holder, me)) {
      throw new UserError(
        `The state file is in use by another xray-lab run (pid ${holder!.pid} on ${holder!.host}, "${holder!.command}", since ${holder!.since})`,
        `Wait for it to finish; if that process is gone, delete ${path}.`,
      );
    }
    const taken = await takeOver(path, me);
    if (typeof taken === 'number') return { path, release: () => releaseLock(path, taken) };
    // Someone else is taking over (or just did): look again shortly.
    await pause(5 + Math.random() * 20);
  }
  throw new UserError(`Could not take the lock ${path}; another run keeps recreating it.`, 'Wait for the other runs to finish, then try again.');
}

/** Deletes the lock only if it is still ours: a run that took it over after we were judged dead keeps its own. */
async function releaseLock(path: string, ino: number): Promise<void> {
  const current = await stat(path).catch(() => undefined);
  if (current?.ino === ino) await unlink(path).catch(() => undefined);
}
