/** Runs lab steps in order, refusing a step whose prerequisites are not done (exit 2, naming the step). */
import { UserError } from './errors.js';
import type { LabContext, LabStep, StepOutcome } from './context.js';
import { enterStep, stepFinished } from './crash-point.js';

export interface StepRun {
  step: string;
  number: number;
  title: string;
  outcome: StepOutcome;
}

export function findStep(steps: readonly LabStep[], number: number): LabStep {
  const step = steps.find((s) => s.number === number);
  if (!step) {
    const known = steps.map((s) => s.number).join(', ');
    throw new UserError(`There is no lab step ${number}; the steps available are ${known}.`);
  }
  return step;
}

export function checkPrerequisites(step: LabStep, steps: readonly LabStep[], isDone: (id: string) => boolean): void {
  for (const req of step.requires) {
    if (isDone(req)) continue;
    const first = steps.find((s) => s.id === req);
    const name = first ? `step ${first.number} (${first.title})` : `step "${req}"`;
    const how = first ? `xray-lab step ${first.number}` : 'xray-lab setup';
    throw new UserError(`Step ${step.number} (${step.title}) needs ${name} first`, `Run \`${how}\`, then try again.`);
  }
}

export async function runSteps(ctx: LabContext, steps: readonly LabStep[], selected: readonly LabStep[]): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const step of selected) {
    checkPrerequisites(step, steps, (id) => ctx.state.isStepDone(id));
    ctx.signal.throwIfAborted();
    ctx.io.notify(`Step ${step.number}: ${step.title}`);
    enterStep(step.id);
    const outcome = await step.run(ctx);
    enterStep(undefined);
    await stepFinished(step.id, ctx.config.crashPoint);
    await ctx.state.markStepDone(step.id, ctx.runId);
    runs.push({ step: step.id, number: step.number, title: step.title, outcome });
  }
  return runs;
}
