/** The state file's shape: what xray-lab created, per target + account + region. No credentials, ever. */
import type { ResourceType } from './resource-types.js';

export type Target = 'local' | 'aws';

export const STATE_SCHEMA_VERSION = 1;

export interface ResourceRecord {
  /** Id of the step that created it (the key teardown groups by). */
  step: string;
  type: ResourceType;
  id: string;
  arn?: string;
  name?: string;
  region: string;
  /** ISO-8601. */
  createdAt: string;
  runId: string;
  /** `creating`: the create call was about to be made (deterministic name) and may or may not have happened. */
  status: 'creating' | 'created';
  extra?: Record<string, unknown>;
}

export interface StepRecord {
  completedAt: string;
  runId: string;
}

export interface StateDocument {
  schemaVersion: number;
  target: Target;
  accountId: string;
  region: string;
  endpoint?: string;
  createdAt: string;
  updatedAt: string;
  /** Resources in creation order; teardown walks it backwards. */
  resources: ResourceRecord[];
  steps: Record<string, StepRecord>;
}
