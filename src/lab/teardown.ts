/**
 * Executes the teardown plan: each record leaves the state only after its delete succeeded (or the
 * resource was already gone). Throttling and "still busy" answers are waited out with back-off; a
 * record no step knows is deleted by type when xray-lab knows the type; a deleted Lambda function
 * takes its log group (created by Lambda, never recorded) with it.
 */
import { canDelete, deleteResource, type DeleteOutcome } from './delete.js';
import { manualCommands } from './discover/manual.js';
import { RESOURCE_TYPES } from './resource-types.js';
import { LabError, describeError } from './errors.js';
import type { LabContext, LabStep } from './context.js';
import { planTeardown, resourceKey, dependsOn } from './teardown-plan.js';
import type { ResourceRecord } from './state-types.js';

export interface TeardownReport {
  deleted: ResourceRecord[];
  /** Recorded, but no longer there (deleted by hand, or never created before a crash). */
  alreadyGone: ResourceRecord[];
  failed: { resource: ResourceRecord; error: string; manual: string[] }[];
  /** Not attempted because something that depends on them could not be deleted. */
  skipped: { resource: ResourceRecord; manual: string[] }[];
  /** Resources that belong to a deleted record without being recorded themselves (a function's log group). */
  companions: { type: string; id: string; outcome: DeleteOutcome | 'failed'; error?: string; manual?: string[] }[];
}

function isFunction(r: ResourceRecord): boolean {
  return r.type === RESOURCE_TYPES.function || /^lambda:function$/i.test(r.type);
}

/** The step's teardown (which calls the shared deleter, retrying busy answers), else the shared deleter. */
async function deleteOne(ctx: LabContext, step: LabStep | undefined, r: ResourceRecord): Promise<DeleteOutcome> {
  if (step?.teardown) return step.teardown(ctx, r);
  if (canDelete(r.type)) return deleteResource(ctx, r);
  throw new LabError(`no step "${r.step}" knows how to delete ${r.type}`);
}

export async function executeTeardown(ctx: LabContext, steps: readonly LabStep[]): Promise<TeardownReport> {
  const plan = planTeardown(ctx.state.resources(), steps.map((s) => s.id));
  const report: TeardownReport = { deleted: [], alreadyGone: [], failed: [], skipped: [], companions: [] };
  const where = { region: ctx.region, ...(ctx.target === 'local' && ctx.config.endpoint ? { endpoint: ctx.config.endpoint } : {}) };
  const manual = (r: ResourceRecord) => manualCommands(r.type, r.id, { ...where, region: r.region || ctx.region }) ?? [];
  const blocked = new Set<string>();
  for (const r of plan) {
    ctx.signal.throwIfAborted();
    if (blocked.has(resourceKey(r))) {
      report.skipped.push({ resource: r, manual: manual(r) });
      for (const dep of dependsOn(r)) blocked.add(dep);
      continue;
    }
    const step = steps.find((s) => s.id === r.step);
    const task = ctx.io.task(`Deleting ${r.type} ${r.name ?? r.id}`);
    try {
      const outcome = await deleteOne(ctx, step, r);
      await ctx.state.remove(r);
      (outcome === 'deleted' ? report.deleted : report.alreadyGone).push(r);
      task.succeed(outcome === 'deleted' ? `Deleted ${r.type} ${r.name ?? r.id}` : `${r.type} ${r.name ?? r.id} was already gone`);
      if (isFunction(r)) await deleteCompanionLogGroup(ctx, r.name ?? r.id, report, where);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const error = describeError(e);
      task.fail(`Could not delete ${r.type} ${r.name ?? r.id}: ${error}`);
      report.failed.push({ resource: r, error, manual: manual(r) });
      for (const dep of dependsOn(r)) blocked.add(dep);
    }
  }
  return report;
}

async function deleteCompanionLogGroup(ctx: LabContext, functionName: string, report: TeardownReport, where: { region: string; endpoint?: string }): Promise<void> {
  const id = `/aws/lambda/${functionName}`;
  // A step that records the log group deletes it itself (later in the plan).
  if (ctx.state.resources().some((x) => x.type === RESOURCE_TYPES.logGroup && x.id === id)) return;
  try {
    const outcome = await deleteResource(ctx, { type: RESOURCE_TYPES.logGroup, id });
    report.companions.push({ type: RESOURCE_TYPES.logGroup, id, outcome });
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    report.companions.push({ type: RESOURCE_TYPES.logGroup, id, outcome: 'failed', error: describeError(e), manual: manualCommands(RESOURCE_TYPES.logGroup, id, where) ?? [] });
  }
}
