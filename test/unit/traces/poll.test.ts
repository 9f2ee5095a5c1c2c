import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/lab/context.js';
import { RecordingIO } from '../../../src/lab/io.js';
import { pollWithBackoff } from '../../../src/lab/traces/poll.js';

/** Virtual time: sleeping advances the clock at once, and every sleep is remembered. */
function virtualClock(): Clock & { sleeps: number[] } {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += ms;
    },
  };
}

describe('pollWithBackoff', () => {
  it('returns at once, silently, when the first answer is ready', async () => {
    const clock = virtualClock();
    const io = new RecordingIO();

    const r = await pollWithBackoff({ clock, io, signal: new AbortController().signal }, async () => 3, { budgetMs: 60_000, ready: (n) => n > 0, waiting: 'Waiting' });

    expect(r).toMatchObject({ value: 3, ready: true, attempts: 1, waitedMs: 0 });
    expect(io.events).toEqual([]);
  });

  it('backs off exponentially up to the cap, says it is waiting, and stops when ready', async () => {
    const clock = virtualClock();
    const io = new RecordingIO();
    let calls = 0;

    const r = await pollWithBackoff({ clock, io, signal: new AbortController().signal }, async () => ++calls, {
      budgetMs: 60_000,
      ready: (n) => n >= 6,
      waiting: 'Waiting for traces',
      firstDelayMs: 500,
      maxDelayMs: 4_000,
    });

    expect(r.ready).toBe(true);
    expect(clock.sleeps).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    expect(io.events[0]).toEqual({ kind: 'info', text: expect.stringMatching(/^Waiting for traces \(up to 60 s/) });
    expect(io.events.at(-1)).toEqual({ kind: 'task-ok', text: 'Waiting for traces: found after 12 s' });
  });

  it('gives up after the budget with the last answer, never sleeping past it', async () => {
    const clock = virtualClock();
    const io = new RecordingIO();

    const r = await pollWithBackoff({ clock, io, signal: new AbortController().signal }, async () => 0, { budgetMs: 5_000, ready: (n) => n > 0, waiting: 'W', firstDelayMs: 1_000, maxDelayMs: 8_000 });

    expect(r).toMatchObject({ value: 0, ready: false, waitedMs: 5_000 });
    expect(clock.sleeps).toEqual([1_000, 2_000, 2_000]);
    expect(io.events.at(-1)?.kind).toBe('task-fail');
  });

  it('asks exactly once with a zero budget', async () => {
    let calls = 0;

    const r = await pollWithBackoff({ clock: virtualClock(), io: new RecordingIO(), signal: new AbortController().signal }, async () => ++calls && 0, { budgetMs: 0, ready: () => false, waiting: 'W' });

    expect(r.attempts).toBe(1);
    expect(calls).toBe(1);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    const clock = virtualClock();

    const p = pollWithBackoff({ clock, io: new RecordingIO(), signal: ac.signal }, async () => {
      ac.abort(new Error('stop'));
      return 0;
    }, { budgetMs: 60_000, ready: () => false, waiting: 'W' });

    await expect(p).rejects.toThrow('stop');
  });
});
