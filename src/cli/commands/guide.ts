/** `guide` (and bare `xray-lab` in a terminal): the interactive walkthrough of the lab. */
import { Chalk } from 'chalk';
import { resolveConfig, type CommonFlags } from '../../lab/config.js';
import { UserError } from '../../lab/errors.js';
import { steps as labSteps } from '../../../steps/index.js';
import { LOAD_STEP_ID, loadStepFor } from '../../../steps/load.js';
import type { LabStep } from '../../lab/context.js';
import { runGuide } from '../guide/flow.js';
import { lessons } from '../guide/lessons/index.js';
import type { GuideUI } from '../guide/screen.js';
import { openSession } from '../session.js';
import { canAsk, colorLevel } from '../terminal.js';

/** The lab's steps, step 5's load shortened when the config says so (XRAY_LAB_GUIDE_LOAD_SECONDS). */
export function guideSteps(loadSeconds: number | undefined): readonly LabStep[] {
  if (loadSeconds === undefined) return labSteps;
  return labSteps.map((s) => (s.id === LOAD_STEP_ID ? loadStepFor(Math.round(loadSeconds * 1000)) : s));
}

export async function guideCommand(flags: CommonFlags): Promise<void> {
  // Decide before starting anything, so a pipe never waits on a question nobody can answer.
  if (flags.json) throw new UserError('guide has no JSON output', 'Use `xray-lab setup --json` for a machine-readable run.');
  const steps = guideSteps(resolveConfig(flags).guideLoadSeconds);
  const interactive = canAsk();
  if (!interactive && !flags.yes) {
    throw new UserError(
      'guide is an interactive walkthrough and needs a terminal',
      'Run it in a terminal, pass --yes to run every step without questions, or use `xray-lab setup`.',
    );
  }
  const session = await openSession(flags, 'guide');
  try {
    const ui: GuideUI = {
      print: (t) => void process.stdout.write(t),
      style: new Chalk({ level: interactive ? colorLevel(process.stdout) : 0 }),
      width: process.stdout.columns || 100,
      interactive,
    };
    await runGuide(session.ctx, ui, steps, lessons);
  } finally {
    await session.close();
  }
}
