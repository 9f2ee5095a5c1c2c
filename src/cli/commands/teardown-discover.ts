/**
 * `teardown --discover`: the recorded teardown, then every lab resource found by tag or name that
 * the state did not know. Tagged resources go after one confirmation (or --yes); an untagged
 * look-alike is touched only with --include-untagged and a yes for that very name at a terminal.
 */
import type { LabContext } from '../../lab/context.js';
import { deleteResource } from '../../lab/delete.js';
import { discoverLabResources } from '../../lab/discover/find.js';
import { manualCommands } from '../../lab/discover/manual.js';
import type { DiscoveredResource } from '../../lab/discover/types.js';
import { describeError, UserError } from '../../lab/errors.js';
import { RUN_TAG_KEY } from '../../lab/guide.js';
import { executeTeardown } from '../../lab/teardown.js';
import { steps } from '../../../steps/index.js';
import { brief, failIfLeft, renderTeardown, summarize } from './teardown-report.js';

const describeFound = (r: DiscoveredResource): string =>
  `${r.type} ${r.name}${r.name !== r.id ? ` (${r.id})` : ''} — ${r.tagged ? `run ${r.runId}` : 'no run tag'}, found by ${r.foundBy}${r.recorded ? ', recorded' : ''}`;

export async function runDiscoverTeardown(ctx: LabContext, includeUntagged: boolean): Promise<void> {
  const task = ctx.io.task('Looking for lab resources by tag and by name');
  const found = await discoverLabResources({ ...ctx, ...(ctx.config.endpoint ? { endpoint: ctx.config.endpoint } : {}) }, ctx.state.resources());
  task.succeed(`Found ${found.length} lab resources`);
  for (const r of found) ctx.io.info(`  ${describeFound(r)}`);

  const recordedCount = ctx.state.resources().length;
  const tagged = found.filter((r) => r.tagged && !r.recorded);
  const untagged = found.filter((r) => !r.tagged && !r.recorded);
  const base = { target: ctx.target, region: ctx.region, accountId: ctx.accountId, stateFile: ctx.state.path, found };
  if (recordedCount + tagged.length === 0 && (untagged.length === 0 || !includeUntagged)) {
    const leftAlone = untagged.map((r) => ({ ...brief(r), reason: `no ${RUN_TAG_KEY} tag; pass --include-untagged to be asked about it` }));
    const summary = { deleted: [], alreadyGone: [], failed: [], skipped: [], leftAlone, remaining: 0, stateFile: ctx.state.path };
    ctx.io.result({ ...base, ...summary }, renderTeardown(summary));
    return;
  }
  if (!ctx.config.yes && recordedCount + tagged.length > 0) {
    const ok = await ctx.io.confirm({
      message: `Delete the ${recordedCount} recorded and ${tagged.length} discovered lab resources in ${ctx.target === 'aws' ? `AWS account ${ctx.accountId}` : 'the local cloud'} (${ctx.region})?`,
      default: false,
      unsafeDefault: true,
      flag: '--yes',
    });
    if (!ok) throw new UserError('Cancelled; nothing was deleted.');
  }

  const summary = summarize(ctx, await executeTeardown(ctx, steps));
  const where = { region: ctx.region, ...(ctx.target === 'local' && ctx.config.endpoint ? { endpoint: ctx.config.endpoint } : {}) };
  const leftAlone: (ReturnType<typeof brief> & { reason: string })[] = [];
  const chosen: DiscoveredResource[] = [...tagged];
  for (const r of untagged) {
    const ask =
      includeUntagged &&
      (await ctx.io.confirm({
        message: `${r.type} ${r.name} has no ${RUN_TAG_KEY} tag, so xray-lab cannot tell that it made it. Delete ${r.name}?`,
        default: false,
        flag: '--include-untagged (answered at a terminal, one name at a time)',
      }));
    if (ask) chosen.push(r);
    else leftAlone.push({ ...brief(r), reason: includeUntagged ? 'not confirmed' : `no ${RUN_TAG_KEY} tag; pass --include-untagged to be asked about it` });
  }
  // Found order is teardown order (API, function, log group, role, table, rules).
  const order = new Map(found.map((r, i) => [r, i]));
  for (const r of chosen.sort((a, b) => order.get(a)! - order.get(b)!)) {
    ctx.signal.throwIfAborted();
    const t = ctx.io.task(`Deleting ${r.type} ${r.name}`);
    try {
      const outcome = await deleteResource(ctx, r);
      (outcome === 'deleted' ? summary.deleted : summary.alreadyGone).push(brief(r));
      t.succeed(outcome === 'deleted' ? `Deleted ${r.type} ${r.name}` : `${r.type} ${r.name} was already gone`);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const error = describeError(e);
      t.fail(`Could not delete ${r.type} ${r.name}: ${error}`);
      summary.failed.push({ ...brief(r), error, manual: manualCommands(r.type, r.id, where) ?? [] });
    }
  }
  const full = { ...summary, leftAlone };
  ctx.io.result({ ...base, ...full }, renderTeardown(full));
  failIfLeft(full);
}
