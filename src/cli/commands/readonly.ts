/**
 * Clients for commands that only read or invoke (logs, invoke, doctor): no state lock, so they can run
 * beside `load` or `setup`. The local cloud is started when it is not running (its data persists).
 */
import type { CommonFlags } from '../../lab/config.js';
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

/** `10m`, `90s`, `2h`, `1d`, or an ISO-8601 time → epoch ms. */
export function parseSince(value: string, now: number): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (m) return now - Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) return NaN;
  return t;
}
