/**
 * The one place that reaches inside dynalite (https://github.com/architect/dynalite) and its LevelDB
 * binding. Two things it cannot do from its options, so this adapter does them, and
 * test/local/dynalite-adapter.test.ts fails loudly when an upgrade of dynalite or classic-level breaks
 * either:
 *  1. Account and region for ARNs: dynalite reads AWS_ACCOUNT_ID / AWS_REGION from process.env when its
 *     store opens (db/index.js). They are set for that synchronous call only, then restored.
 *  2. Synchronous reads: classic-level's every `get` is a round trip through libuv's thread pool, and a
 *     GetItem makes two (table, item). Profiles of the lab's request path put those hand-offs at a fifth
 *     of the cloud's busy time, while LevelDB answers a cached read synchronously in microseconds. So
 *     reads go through classic-level's own `_getSync`; writes and iterators are untouched.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

type DynaliteFactory = (options: Record<string, unknown>) => Server;
export type DynaliteListener = (req: unknown, res: unknown) => void;

interface ClassicLevelPrototype {
  _get(key: unknown, options: unknown): Promise<unknown>;
  _getSync?(key: unknown, options: unknown): unknown;
}

const SYNC_READS = Symbol.for('xray-lab.classic-level.sync-reads');

export interface Dynalite {
  /** dynalite's request listener, called in-process with an already-read request. */
  listener: DynaliteListener;
  close(): Promise<void>;
}

/** classic-level's prototype, as the copy dynalite itself loads (resolved from dynalite's own db module). */
export function classicLevelPrototypeOfDynalite(): ClassicLevelPrototype {
  const require = createRequire(import.meta.url);
  const fromDynaliteDb = createRequire(join(dirname(require.resolve('dynalite')), 'db', 'index.js'));
  const fromLevel = createRequire(fromDynaliteDb.resolve('level'));
  return (fromLevel('classic-level') as { ClassicLevel: { prototype: ClassicLevelPrototype } }).ClassicLevel.prototype;
}

/** Routes classic-level's async `_get` through its `_getSync`; idempotent. False when `_getSync` is gone. */
function readLevelDbSynchronously(): boolean {
  const proto = classicLevelPrototypeOfDynalite() as ClassicLevelPrototype & { [SYNC_READS]?: true };
  if (proto[SYNC_READS]) return true;
  const getSync = proto._getSync;
  if (typeof getSync !== 'function') return false;
  Object.defineProperty(proto, SYNC_READS, { value: true });
  proto._get = function get(this: unknown, key: unknown, options: unknown): Promise<unknown> {
    try {
      return Promise.resolve(getSync.call(this, key, options));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  };
  return true;
}

export function hasSyncReads(): boolean {
  return (classicLevelPrototypeOfDynalite() as { [SYNC_READS]?: true })[SYNC_READS] === true;
}

export async function startDynalite(opts: { path?: string; region: string; accountId: string }): Promise<Dynalite> {
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  // Whether it took (an upgrade may remove `_getSync`) is hasSyncReads(), checked by the adapter's test.
  readLevelDbSynchronously();
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = opts.region;
  process.env.AWS_ACCOUNT_ID = opts.accountId;
  let server: Server;
  try {
    server = dynalite({ path: opts.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  // Listening (on a private loopback port nobody uses) lets dynalite's close() shut its LevelDB cleanly.
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  return {
    listener: server.listeners('request')[0] as DynaliteListener,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
