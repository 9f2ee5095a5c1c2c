/** What every local service is built from: storage, time, ids, the account, and test-only fault switches. */
import type { Db } from './core/db.js';
import type { Clock, IdGenerator } from './core/types.js';

export interface LocalFaults {
  /** A new IAM role cannot be assumed by Lambda for this long, like AWS's eventual consistency. */
  iamPropagationMs?: number;
  /** DeleteRestApi answers TooManyRequestsException this many times before it succeeds. */
  apigatewayDeleteThrottles?: number;
}

export interface LocalCloudEnv {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  accountId: string;
  defaultRegion: string;
  dataDir?: string;
  faults: LocalFaults;
}
