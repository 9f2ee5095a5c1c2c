/**
 * Clients for commands that only read or invoke (logs, invoke, doctor): no state lock, so they can run
 * beside `load` or `setup`. The local cloud is started when it is not running (its data persists).
 */
import type { CommonFlags } from '../../lab/config.js';
import { durationMs } from '../../lab/duration.js';
import { connect, type Connection } from '../session.js';

export type ReadOnlySession = Connection;

export async function withClients<T>(flags: CommonFlags, body: (s: ReadOnlySession) => Promise<T>): Promise<T> {
  const session = await connect(flags);
  try {
    return await body(session);
  } finally {
    session.clients.destroy();
  }
}

/** `10m`, `90s`, `1.5h`, `1d` (src/lab/duration.ts's grammar), or an ISO-8601 time → epoch ms. */
export function parseSince(value: string, now: number): number {
  const span = durationMs(value);
  if (span !== undefined) return now - span;
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) return NaN;
  return t;
}
