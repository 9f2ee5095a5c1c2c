/**
 * What a step says when a resource it would create already exists but the state file does not record
 * it. Two different situations: someone else's resource (left alone, pick another name/account), or
 * one of ours from an earlier run whose state was lost or set aside as corrupt — recognisable by the
 * `xray-lab:run` tag every lab resource carries. The second is not "not created by xray-lab": it points
 * to `teardown --discover`, which finds tagged resources without a state file and deletes them.
 */
import { UserError } from './errors.js';
import { RUN_TAG_KEY } from './guide.js';
import type { LabContext } from './context.js';

export type TagList = { Key?: string; Value?: string }[] | Record<string, string> | undefined;

/** The run id in a resource's tags (list or map form), if it carries the lab's run tag. */
export function runTagOf(tags: TagList): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.Key === RUN_TAG_KEY)?.Value;
  return tags[RUN_TAG_KEY];
}

/**
 * The error for an existing, unrecorded resource. `what` reads like "A DynamoDB table named UserProfiles";
 * `tags` are the resource's tags (fetched by the caller, which knows the service); `foreignHint` is what
 * to do when it is not ours.
 */
export function unrecordedResourceError(ctx: Pick<LabContext, 'accountId' | 'region'>, what: string, tags: TagList, foreignHint: string): UserError {
  const where = `in account ${ctx.accountId} (${ctx.region})`;
  const runId = runTagOf(tags);
  if (runId !== undefined) {
    return new UserError(
      `${what} already exists ${where} from an earlier xray-lab run (${RUN_TAG_KEY}=${runId}), but this state file does not record it: the state of that run was lost or set aside; it was left unchanged`,
      'Run `xray-lab teardown --discover --yes` to delete the resources of earlier runs, then run this again.',
    );
  }
  return new UserError(`${what} already exists ${where} but was not created by xray-lab; it was left unchanged`, foreignHint);
}

/** Tags of a resource, or undefined when they cannot be read (a read-only caller, a service without tags locally). */
export async function tagsOrNothing(read: () => Promise<TagList>): Promise<TagList> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
