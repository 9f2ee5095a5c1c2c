/**
 * The guided walkthrough: for each lab step not yet done, the lesson and the equivalent AWS CLI
 * commands, then Run / Skip / Show details / Quit. Running goes through the same runner and step
 * modules as `setup`, so progress is the state file's "steps done" and a second run resumes.
 */
import type { LabContext, LabStep, StepOutcome } from '../../lab/context.js';
import { describeError, LabError } from '../../lab/errors.js';
import { runSteps } from '../../lab/runner.js';
import { consoleCommand, type CommandTarget } from './commands.js';
import { finale } from './finale.js';
import { introduce, showProgress } from './intro.js';
import type { StepLesson } from './lesson.js';
import { commandBlock, heading, paragraphs, section, type GuideUI } from './screen.js';

export type StepChoice = 'run' | 'skip' | 'details' | 'quit';

export interface GuideReport {
  /** Step ids run (and verified) in this session. */
  ran: string[];
  skipped: string[];
  quit: boolean;
}

export function commandTarget(ctx: LabContext): CommandTarget {
  return { target: ctx.target, region: ctx.region, ...(ctx.config.endpoint ? { endpoint: ctx.config.endpoint } : {}) };
}

function missingPrerequisites(ctx: LabContext, step: LabStep, steps: readonly LabStep[]): LabStep[] {
  return steps.filter((s) => step.requires.includes(s.id) && !ctx.state.isStepDone(s.id));
}

function present(ctx: LabContext, ui: GuideUI, step: LabStep, total: number, lesson: StepLesson | undefined): void {
  heading(ui, `Step ${step.number} of ${total}: ${step.title}`);
  if (!lesson) return;
  section(ui, 'What it teaches');
  paragraphs(ui, lesson.teaches);
  const cmds = lesson.commands(ctx);
  if (cmds.length > 0) {
    section(ui, 'Do it yourself', '(what Run does, as AWS CLI commands)');
    commandBlock(ui, cmds, commandTarget(ctx));
  }
  if (lesson.corrections.length > 0) section(ui, 'Where the lab guide goes wrong');
  for (const c of lesson.corrections) {
    paragraphs(ui, [`${ui.style.yellow('⚠')} It ${c.guide}: ${c.why}.`]);
  }
  ui.print('\n');
}

async function ask(ctx: LabContext, step: LabStep, blocked: LabStep[], hasDetails: boolean): Promise<StepChoice> {
  const choices: { value: StepChoice; name: string }[] = [];
  if (blocked.length === 0) choices.push({ value: 'run', name: 'Run this step' });
  choices.push({ value: 'skip', name: 'Skip it for now' });
  if (hasDetails) choices.push({ value: 'details', name: 'Show details' });
  choices.push({ value: 'quit', name: 'Quit (progress is saved)' });
  return ctx.io.select<StepChoice>({ message: `Step ${step.number}: what now?`, choices, default: choices[0].value, flag: '--yes' });
}

async function verify(ctx: LabContext, ui: GuideUI, step: LabStep, lesson: StepLesson): Promise<void> {
  const task = ctx.io.task(`Checking that step ${step.number}'s result is really there`);
  let evidence: string[];
  try {
    evidence = await lesson.verify(ctx);
  } catch (e) {
    task.fail(`Step ${step.number}'s result is not there: ${describeError(e)}`);
    if (ctx.signal.aborted) throw e;
    throw new LabError(`Step ${step.number} ran, but its check failed: ${describeError(e)}`, { cause: e });
  }
  task.succeed(`Checked step ${step.number} against the real service`);
  for (const line of evidence) ui.print(`  ${ui.style.green('✔')} ${line}\n`);
}

/** The details, then where each claim and each ⚠ correction can be checked. */
function showDetails(ui: GuideUI, lesson: StepLesson): void {
  paragraphs(ui, lesson.details);
  const sources = [
    ...lesson.sources.map((s) => `${s.about}: ${s.url}`),
    ...lesson.corrections.map((c) => `⚠ It ${c.guide}: ${c.source}`),
  ];
  if (sources.length === 0) return;
  section(ui, 'Sources');
  paragraphs(ui, sources);
}

function showOutcome(ui: GuideUI, outcome: StepOutcome): void {
  section(ui, 'Result');
  paragraphs(ui, [outcome.summary, ...(outcome.notes ?? [])], '    ');
}

/** Presents one step and acts on the answer; returns what happened to it. */
async function walkStep(ctx: LabContext, ui: GuideUI, steps: readonly LabStep[], step: LabStep, lesson: StepLesson | undefined): Promise<'ran' | 'skipped' | 'quit'> {
  const blocked = missingPrerequisites(ctx, step, steps);
  // Files the shown commands read (the function's zip) must exist before they can be copied.
  if (lesson?.prepare) await lesson.prepare(ctx);
  present(ctx, ui, step, steps.length, lesson);
  if (blocked.length > 0) {
    paragraphs(ui, [`This step needs ${blocked.map((s) => `step ${s.number} (${s.title})`).join(' and ')} first, which was skipped.`]);
  }
  if (!ui.interactive && lesson) showDetails(ui, lesson);
  for (;;) {
    const choice = await ask(ctx, step, blocked, Boolean(lesson?.details.length) && ui.interactive);
    if (choice === 'details') {
      section(ui, 'Details');
      if (lesson) showDetails(ui, lesson);
      continue;
    }
    if (choice === 'quit') return 'quit';
    if (choice === 'skip') {
      paragraphs(ui, [`Skipped step ${step.number}; it stays undone and the guide offers it again next time.`]);
      return 'skipped';
    }
    // A choice the flags left open (step 3: the instrumentation) is asked once the learner has read the
    // lesson and chosen to run; the files the shown commands read are then rewritten to match it.
    if (lesson?.choose) {
      await lesson.choose(ctx);
      if (lesson.prepare) await lesson.prepare(ctx);
    }
    const [run] = await runSteps(ctx, steps, [step]);
    showOutcome(ui, run.outcome);
    if (lesson) {
      await verify(ctx, ui, step, lesson);
      const checks = lesson.checkCommands(ctx);
      if (checks.length > 0) {
        section(ui, 'Check it yourself', '(with the real ids)');
        commandBlock(ui, checks, commandTarget(ctx));
      }
      if (lesson.seeInBrowser) {
        section(ui, 'See it in the browser');
        paragraphs(ui, [lesson.seeInBrowser]);
        commandBlock(ui, [consoleCommand(ctx.target)], commandTarget(ctx));
      }
    }
    return 'ran';
  }
}

export async function runGuide(
  ctx: LabContext,
  ui: GuideUI,
  steps: readonly LabStep[],
  lessons: Readonly<Record<string, StepLesson>>,
): Promise<GuideReport> {
  const report: GuideReport = { ran: [], skipped: [], quit: false };
  // A read-only step (load, trace analysis) is walked only with a lesson: without one it would be a bare run.
  steps = steps.filter((s) => !s.readOnly || lessons[s.id] !== undefined);
  await introduce(ctx, ui);
  showProgress(ctx, ui, steps);
  for (const step of steps) {
    if (ctx.state.isStepDone(step.id)) continue;
    const what = await walkStep(ctx, ui, steps, step, lessons[step.id]);
    if (what === 'quit') {
      report.quit = true;
      const next = steps.find((s) => !ctx.state.isStepDone(s.id));
      paragraphs(ui, [`Progress is saved in ${ctx.state.path}.`]);
      if (next) ui.print(`  To continue at step ${next.number}, run: xray-lab guide${ctx.target === 'aws' ? ' --target aws' : ''}\n`);
      return report;
    }
    (what === 'ran' ? report.ran : report.skipped).push(step.id);
  }
  await finale(ctx, ui, steps, lessons);
  return report;
}
