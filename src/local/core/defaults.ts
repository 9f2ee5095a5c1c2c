/** Real clock and random ids, used unless a test injects deterministic ones. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from './types.js';

export const systemClock: Clock = { now: () => Date.now() };

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const randomIds: IdGenerator = {
  hex: (n) => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n),
  alnum: (n) => {
    const bytes = randomBytes(n);
    let out = '';
    for (const b of bytes) out += ALNUM[b % ALNUM.length];
    return out;
  },
  uuid: () => randomUUID(),
};
