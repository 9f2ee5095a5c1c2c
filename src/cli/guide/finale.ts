/** The walkthrough's end: a recap, a short quiz with immediate feedback, and the teardown offer. */
import type { LabContext, LabStep } from '../../lab/context.js';
import { executeTeardown } from '../../lab/teardown.js';
import type { StepLesson } from './lesson.js';
import { answerName, grade, QUIZ } from './quiz.js';
import { heading, paragraphs, type GuideUI } from './screen.js';

function recap(ctx: LabContext, ui: GuideUI, steps: readonly LabStep[], lessons: Readonly<Record<string, StepLesson>>): void {
  heading(ui, 'Recap');
  for (const s of steps) {
    const done = ctx.state.isStepDone(s.id);
    const mark = done ? ui.style.green('✔') : ui.style.yellow('○');
    ui.print(`  ${mark} Step ${s.number}: ${s.title}${done ? '' : ' (not done: run `xray-lab guide` again to do it)'}\n`);
    const lesson = lessons[s.id];
    if (lesson) paragraphs(ui, [lesson.takeaway], '      ');
  }
}

async function quiz(ctx: LabContext, ui: GuideUI): Promise<number> {
  heading(ui, `Quiz: ${QUIZ.length} exam-style questions`);
  let right = 0;
  for (const [i, q] of QUIZ.entries()) {
    const chosen = await ctx.io.select<string>({ message: `${i + 1}. ${q.question}`, choices: q.choices, default: q.choices[0].value, flag: '--yes' });
    const r = grade(q, chosen);
    if (r.correct) right++;
    const verdict = r.correct ? ui.style.green('✔ Correct.') : ui.style.red(`✘ Not quite: the answer is "${answerName(q)}".`);
    paragraphs(ui, [`${verdict} ${q.explanation}`, `Source: ${q.source}`]);
  }
  ui.print(`  Score: ${right} of ${QUIZ.length}.\n`);
  return right;
}

async function offerTeardown(ctx: LabContext, ui: GuideUI, steps: readonly LabStep[]): Promise<void> {
  heading(ui, 'Clean up');
  const n = ctx.state.resources().length;
  if (n === 0) {
    paragraphs(ui, ['Nothing is recorded, so there is nothing to delete.']);
    return;
  }
  const where = ctx.target === 'aws' ? `AWS account ${ctx.accountId} (${ctx.region})` : 'the local cloud';
  const flags = ctx.target === 'aws' ? ' --target aws' : '';
  paragraphs(ui, [
    `${n} resources created by this lab are still in ${where}.${ctx.target === 'aws' ? ' They cost next to nothing while idle, but delete them when you are done.' : ''} \`xray-lab teardown${flags}\` deletes them at any time.`,
  ]);
  if (!ui.interactive) return;
  const ok = await ctx.io.confirm({ message: `Delete the ${n} resources in ${where} now?`, default: false, unsafeDefault: true, flag: '--yes' });
  if (!ok) {
    paragraphs(ui, [`Kept. Run \`xray-lab teardown${flags}\` when you are done.`]);
    return;
  }
  const report = await executeTeardown(ctx, steps);
  paragraphs(ui, [`Deleted ${report.deleted.length} resources.`]);
  for (const f of report.failed) paragraphs(ui, [`Could not delete ${f.resource.type} ${f.resource.id}: ${f.error}. Run \`xray-lab teardown${flags}\` to retry.`]);
}

export async function finale(
  ctx: LabContext,
  ui: GuideUI,
  steps: readonly LabStep[],
  lessons: Readonly<Record<string, StepLesson>>,
): Promise<void> {
  recap(ctx, ui, steps, lessons);
  if (ui.interactive) await quiz(ctx, ui);
  await offerTeardown(ctx, ui, steps);
}
