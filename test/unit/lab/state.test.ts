import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/lab/errors.js';
import { readStateFile, StateStore } from '../../../src/lab/state.js';
import { STATE_SCHEMA_VERSION, type ResourceRecord } from '../../../src/lab/state-types.js';

const record = (id: string): ResourceRecord => ({
  step: 'user-table',
  type: 'dynamodb:Table',
  id,
  region: 'us-east-1',
  createdAt: '2026-01-01T00:00:00.000Z',
  runId: 'run-1',
  status: 'created',
});

const openAt = (dir: string) =>
  StateStore.open({ dir, target: 'local', accountId: '000000000000', region: 'us-east-1', command: 'test', now: () => Date.UTC(2026, 0, 1) });

describe('StateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xray-lab-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the file atomically with mode 0600, a schema version and no temp files left', async () => {
    const store = await openAt(dir);

    await store.record(record('UserProfiles'));
    await store.close();

    const files = await readdir(dir);
    expect(files).toEqual(['local-000000000000-us-east-1.json']);
    const path = join(dir, files[0]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc.schemaVersion).toBe(STATE_SCHEMA_VERSION);
    expect(doc.resources).toEqual([record('UserProfiles')]);
  });

  it('replaces a record with the same step, type and id instead of duplicating it', async () => {
    const store = await openAt(dir);

    await store.record({ ...record('T'), status: 'creating' });
    await store.record({ ...record('T'), arn: 'arn:x' });
    await store.close();

    const doc = await readStateFile(join(dir, 'local-000000000000-us-east-1.json'));
    expect(doc?.resources).toEqual([{ ...record('T'), arn: 'arn:x' }]);
  });

  it('moves a corrupt file aside, names it in the error and deletes nothing', async () => {
    const path = join(dir, 'local-000000000000-us-east-1.json');
    await writeFile(path, '{"schemaVersion": 1, "resources": [');

    const err = await openAt(dir).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(path);
    const aside = (await readdir(dir)).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect((err as Error).message).toContain(aside[0]);
    expect(await readFile(join(dir, aside[0]), 'utf8')).toBe('{"schemaVersion": 1, "resources": [');
  });

  it('refuses a state file written with another schema version', async () => {
    const path = join(dir, 'local-000000000000-us-east-1.json');
    await writeFile(path, JSON.stringify({ schemaVersion: 99, resources: [] }));

    await expect(openAt(dir)).rejects.toThrow(/schema version 99/);
  });

  it('tells a second run who holds the lock', async () => {
    const first = await openAt(dir);

    const err = await openAt(dir).catch((e: unknown) => e);
    await first.close();

    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect((err as Error).message).toContain('"test"');
  });

  it('takes over a lock left by a process that is no longer running', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const lock = join(dir, 'local-000000000000-us-east-1.json.lock');
    await writeFile(lock, JSON.stringify({ pid: Number(dead), host: (await import('node:os')).hostname(), command: 'setup', since: 'x' }));

    const store = await openAt(dir);
    const holder = JSON.parse(await readFile(lock, 'utf8'));
    await store.close();

    expect(holder.pid).toBe(process.pid);
  });

  it('releases the lock on close so the next run can open the state', async () => {
    const first = await openAt(dir);
    await first.record(record('A'));
    await first.close();

    const second = await openAt(dir);
    const ids = second.resources().map((r) => r.id);
    await second.close();

    expect(ids).toEqual(['A']);
  });
});
