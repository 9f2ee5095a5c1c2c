/** autocannon (no bundled types) behind the few fields the benchmarks read. */
import { createRequire } from 'node:module';

export interface CannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; average: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

export interface CannonOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration?: number;
  amount?: number;
  pipelining?: number;
}

type Cannon = (opts: CannonOptions & { setupClient?: unknown }) => Promise<CannonResult>;

const require = createRequire(import.meta.url);

export function autocannon(opts: CannonOptions): Promise<CannonResult> {
  const run = require('autocannon') as Cannon;
  return run({ pipelining: 1, ...opts });
}
