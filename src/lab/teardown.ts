/** Executes the teardown plan: each record leaves the state only after its delete succeeded. */
import { LabError, describeError } from './errors.js';
import type { LabContext, LabStep } from './context.js';
import { planTeardown, resourceKey, dependsOn } from './teardown-plan.js';
import type { ResourceRecord } from './state-types.js';

export interface TeardownReport {
  deleted: ResourceRecord[];
  failed: { resource: ResourceRecord; error: string }[];
  /** Not attempted because something that depends on them could not be deleted. */
  skipped: ResourceRecord[];
}

export async function executeTeardown(ctx: LabContext, steps: readonly LabStep[]): Promise<TeardownReport> {
  const plan = planTeardown(ctx.state.resources(), steps.map((s) => s.id));
  const report: TeardownReport = { deleted: [], failed: [], skipped: [] };
  const blocked = new Set<string>();
  for (const r of plan) {
    ctx.signal.throwIfAborted();
    if (blocked.has(resourceKey(r))) {
      report.skipped.push(r);
      continue;
    }
    const step = steps.find((s) => s.id === r.step);
    const task = ctx.io.task(`Deleting ${r.type} ${r.name ?? r.id}`);
    try {
      if (!step?.teardown) throw new LabError(`no step "${r.step}" knows how to delete ${r.type}`);
      await step.teardown(ctx, r);
      await ctx.state.remove(r);
      report.deleted.push(r);
      task.succeed(`Deleted ${r.type} ${r.name ?? r.id}`);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const error = describeError(e);
      task.fail(`Could not delete ${r.type} ${r.name ?? r.id}: ${error}`);
      report.failed.push({ resource: r, error });
      for (const dep of dependsOn(r)) blocked.add(dep);
    }
  }
  return report;
}
