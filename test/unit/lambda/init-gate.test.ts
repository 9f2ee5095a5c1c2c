import { describe, expect, it } from 'vitest';
import { InitGate } from '../../../src/local/lambda/init-gate.js';

const settled = async (p: Promise<boolean>): Promise<boolean | 'pending'> => Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);

describe('InitGate', () => {
  it('lets `max` boots in at once and the next one in when one leaves', async () => {
    const gate = new InitGate(2);
    const a = gate.enter();
    const b = gate.enter();
    const c = gate.enter();

    expect([await settled(a), await settled(b), await settled(c)]).toEqual([true, true, 'pending']);
    gate.leave();
    expect(await settled(c)).toBe(true);
  });

  it('lets a waiting caller who gives up leave without taking a turn', async () => {
    const gate = new InitGate(1);
    await gate.enter();
    const abort = new AbortController();
    const gone = gate.enter(abort.signal);
    const next = gate.enter();

    abort.abort();
    expect(await gone).toBe(false);
    gate.leave();
    expect(await settled(next)).toBe(true);
    expect(await gate.enter(AbortSignal.abort())).toBe(false);
  });
});
