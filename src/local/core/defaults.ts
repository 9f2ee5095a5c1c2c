/** Real clock and random ids, used unless a test injects deterministic ones. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from './types.js';

export const systemClock: Clock = { now: () => Date.now() };

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

// Ids are drawn from a pool of CSPRNG bytes: one request makes about ten ids, and a randomBytes call
// each showed up in the request path's profile. The bytes are just as random, only fetched in bulk.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function take(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, n));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

export const randomIds: IdGenerator = {
  hex: (n) => take(Math.ceil(n / 2)).toString('hex').slice(0, n),
  alnum: (n) => {
    const bytes = take(n);
    let out = '';
    for (const b of bytes) out += ALNUM[b % ALNUM.length];
    return out;
  },
  uuid: () => randomUUID(),
};
