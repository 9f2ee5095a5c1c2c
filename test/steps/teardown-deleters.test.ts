/**
 * One deleter per resource type: each step's teardown is the shared deleter, so every type reports
 * `already-gone` for a resource that no longer exists (user-function's used to say `deleted`).
 */
import { describe, expect } from 'vitest';
import { newRecord } from '../../src/lab/context.js';
import { canDelete, deleteResource } from '../../src/lab/delete.js';
import { RecordingIO } from '../../src/lab/io.js';
import { RESOURCE_TYPES, type ResourceType } from '../../src/lab/resource-types.js';
import { steps } from '../../steps/index.js';
import { userFunctionStep } from '../../steps/user-function.js';
import { fileLabTest as it } from '../support/fixtures.js';

describe('deleting resources that are already gone', () => {
  it.for([
    [RESOURCE_TYPES.function, 'no-such-function'],
    [RESOURCE_TYPES.role, 'NoSuchRole'],
    [RESOURCE_TYPES.rolePolicy, 'no-such-policy'],
    [RESOURCE_TYPES.logGroup, '/aws/lambda/no-such-function'],
  ] as [ResourceType, string][])('user-function\'s teardown reports a missing %s as already-gone', async ([type, id], { lab }) => {
    const ctx = lab.context({ io: new RecordingIO() });
    const record = newRecord(ctx, { step: userFunctionStep.id, type, id, extra: { roleName: 'NoSuchRole' } });

    expect(await userFunctionStep.teardown!(ctx, record)).toBe('already-gone');
  });

  it('gives every step that records a deletable type the same deleter', () => {
    const teardowns = steps.filter((s) => s.teardown).map((s) => s.id);
    expect(teardowns).toEqual(['sampling-rules', 'user-table', 'user-function', 'user-api']);
    for (const s of steps.filter((x) => x.id !== 'user-api' && x.teardown)) expect(s.teardown).toBe(deleteResource);
  });

  it('knows every resource type but the REST API intent, which step 4 owns', () => {
    const unknown = Object.values(RESOURCE_TYPES).filter((t) => !canDelete(t));
    expect(unknown).toEqual([RESOURCE_TYPES.restApiIntent]);
  });
});
