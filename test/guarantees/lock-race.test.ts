/**
 * The state-file lock under contention: many runs (real processes, released at the same moment by a
 * barrier) take the lock of one state file at once. Exactly one may hold it — with no lock before, with
 * a stale lock of a dead process, and with an unreadable one left by an older version's crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';

const RUNS = 12;
const LOCK_MODULE = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'lab', 'lock.js')).href;
/**
 * One contender: says "ready", waits for "go" on stdin, tries the lock, says "held" or "refused", and a
 * holder keeps the lock until its stdin closes (so every attempt overlaps every hold).
 */
const CONTENDER = `
import { acquireLock } from ${JSON.stringify(LOCK_MODULE)};
const path = process.argv[1];
process.stdout.write('ready\\n');
process.stdin.once('data', async () => {
  try {
    const lock = await acquireLock(path, 'race');
    process.stdout.write('held\\n');
    process.stdin.once('end', async () => { await lock.release(); process.exit(0); });
    process.stdin.resume();
  } catch (e) {
    process.stdout.write(e.name === 'UserError' ? 'refused\\n' : 'crashed ' + e.message + '\\n');
    process.exit(0);
  }
});`;

function contender(lockPath: string): { child: ChildProcess; said: (word: string) => Promise<string> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CONTENDER, lockPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  const said = (word: string) =>
    new Promise<string>((resolve) => {
      const check = () => {
        const line = out.split('\n').find((l) => l.startsWith(word) || (word !== 'ready' && /^(held|refused|crashed)/.test(l)));
        if (line !== undefined) resolve(line);
        else waiters.push(check);
      };
      check();
    });
  return { child, said };
}

/** The pid of a process that has exited (so a lock naming it is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('the state-file lock under many simultaneous runs', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it.each([
    ['no lock yet', async (_path: string) => undefined],
    ['a stale lock of a dead process', async (path: string) => writeFile(path, JSON.stringify({ pid: await deadPid(), host: (await import('node:os')).hostname(), command: 'old', since: '2026-01-01T00:00:00Z' }))],
    ['an empty lock left by an older version', async (path: string) => writeFile(path, '')],
  ])(`%s: exactly one of ${RUNS} contenders holds it`, async (_name, arrange) => {
    // Arrange: the lock's folder, what an earlier run left there, and RUNS contenders waiting at the barrier.
    const dir = await mkdtemp(join(tmpdir(), 'xray-lab-lock-'));
    dirs.push(dir);
    const path = join(dir, 'local-000000000000-us-east-1.json.lock');
    await arrange(path);
    const runs = Array.from({ length: RUNS }, () => contender(path));
    await Promise.all(runs.map((r) => r.said('ready')));

    // Act: release them all at once.
    for (const r of runs) r.child.stdin!.write('go\n');
    const outcomes = await Promise.all(runs.map((r) => r.said('held')));

    // Assert: one holder, everyone else told the state file is in use; no draft or aside file left over.
    expect(outcomes.filter((o) => o === 'held')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(RUNS - 1);
    for (const r of runs) r.child.stdin!.end();
    await Promise.all(runs.map((r) => (r.child.exitCode !== null ? undefined : new Promise((res) => r.child.once('exit', res)))));
    expect(await readdir(dir)).toEqual([]);
  }, 60_000);
});
