/** `teardown`: delete everything the state records, newest first; safe to run twice. */
import type { CommonFlags } from '../../lab/config.js';
import { LabError, UserError } from '../../lab/errors.js';
import { executeTeardown } from '../../lab/teardown.js';
import { steps } from '../../../steps/index.js';
import { openSession } from '../session.js';

export async function teardownCommand(flags: CommonFlags): Promise<void> {
  const session = await openSession(flags, 'teardown');
  try {
    const { ctx } = session;
    const recorded = ctx.state.resources();
    const base = { target: ctx.target, region: ctx.region, accountId: ctx.accountId, stateFile: ctx.state.path };
    if (recorded.length === 0) {
      ctx.io.result({ ...base, deleted: [], failed: [], skipped: [] }, 'Nothing to delete: no resources are recorded.');
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
    const report = await executeTeardown(ctx, steps);
    const brief = (r: { type: string; id: string; arn?: string }) => ({ type: r.type, id: r.id, ...(r.arn ? { arn: r.arn } : {}) });
    ctx.io.result(
      {
        ...base,
        deleted: report.deleted.map(brief),
        failed: report.failed.map((f) => ({ ...brief(f.resource), error: f.error })),
        skipped: report.skipped.map(brief),
      },
      [
        `Deleted ${report.deleted.length} resources.`,
        ...report.failed.map((f) => `Could not delete ${f.resource.type} ${f.resource.id}: ${f.error}`),
        ...report.skipped.map((s) => `Kept ${s.type} ${s.id}: something that depends on it is still there.`),
      ].join('\n'),
    );
    if (report.failed.length > 0) {
      throw new LabError(`${report.failed.length} resources could not be deleted; they stay in the state file, run teardown again to retry.`);
    }
  } finally {
    await session.close();
  }
}
