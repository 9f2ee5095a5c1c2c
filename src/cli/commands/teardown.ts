/**
 * `teardown`: delete everything the state records, newest first; safe to run twice.
 * With `--discover`, also find lab resources the state does not know (by tag and by name) and
 * delete the tagged ones; untagged look-alikes only with `--include-untagged`, one confirmation each.
 */
import type { CommonFlags } from '../../lab/config.js';
import { UserError } from '../../lab/errors.js';
import { executeTeardown } from '../../lab/teardown.js';
import { steps } from '../../../steps/index.js';
import { openSession } from '../session.js';
import { runDiscoverTeardown } from './teardown-discover.js';
import { failIfLeft, renderTeardown, summarize } from './teardown-report.js';

export interface TeardownFlags extends CommonFlags {
  discover?: boolean;
  includeUntagged?: boolean;
}

export async function teardownCommand(flags: TeardownFlags): Promise<void> {
  if (flags.includeUntagged && !flags.discover) throw new UserError('--include-untagged only makes sense with --discover.');
  const session = await openSession(flags, flags.discover ? 'teardown --discover' : 'teardown');
  try {
    const { ctx } = session;
    if (flags.discover) return await runDiscoverTeardown(ctx, Boolean(flags.includeUntagged));
    const recorded = ctx.state.resources();
    const base = { target: ctx.target, region: ctx.region, accountId: ctx.accountId, stateFile: ctx.state.path };
    if (recorded.length === 0) {
      ctx.io.result(
        { ...base, deleted: [], alreadyGone: [], failed: [], skipped: [], remaining: 0 },
        'Nothing to delete: no resources are recorded. (`xray-lab teardown --discover` looks for lab resources the state does not know.)',
      );
      return;
    }
    if (!ctx.config.yes) {
      const ok = await ctx.io.confirm({
        message: `Delete the ${recorded.length} resources xray-lab recorded in ${ctx.target === 'aws' ? `AWS account ${ctx.accountId}` : 'the local cloud'} (${ctx.region})?`,
        default: false,
        unsafeDefault: true,
        flag: '--yes',
      });
      if (!ok) throw new UserError('Cancelled; nothing was deleted.');
    }
    const summary = summarize(ctx, await executeTeardown(ctx, steps));
    ctx.io.result({ ...base, ...summary }, renderTeardown(summary));
    failIfLeft(summary);
  } finally {
    await session.close();
  }
}
