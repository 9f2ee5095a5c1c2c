/** The walkthrough's opening: where it runs, what it may cost, and where a previous run stopped. */
import type { LabContext, LabStep } from '../../lab/context.js';
import { UserError } from '../../lab/errors.js';
import { estimateAwsCost, LAB_PRICES } from '../../lab/load/cost.js';
import { heading, paragraphs, type GuideUI } from './screen.js';

/**
 * Requests one walkthrough sends, as an upper bound for the estimate: the lab's test requests plus a
 * one-minute load at up to 2 requests per second, with headroom.
 */
export const PLANNED_REQUESTS = 300;
/** Traces scanned or retrieved by the analysis: a few queries over the run's traces. */
export const PLANNED_TRACES_READ = 10 * PLANNED_REQUESTS;

function usd(n: number): string {
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

export function costLines(): string[] {
  const est = estimateAwsCost({ requests: PLANNED_REQUESTS, tracesRecorded: PLANNED_REQUESTS, tracesRetrieved: PLANNED_TRACES_READ });
  const lines = est.items.map((i) => {
    const free = i.free > 0 ? ` (${Math.round(i.free)} in the free tier)` : '';
    return `${i.service}, ${i.item}: ${Math.round(i.quantity * 1000) / 1000} ${i.unit}${free} → ${usd(i.costUsd)}`;
  });
  return [
    ...lines,
    `Estimated total for one walkthrough: ${usd(est.totalUsd)} (about ${PLANNED_REQUESTS} requests, US East list prices).`,
    `X-Ray's always-free tier covers ${LAB_PRICES.xrayRecordedFree.toLocaleString('en-US')} traces recorded and ${LAB_PRICES.xrayRetrievedFree.toLocaleString('en-US')} retrieved or scanned per month; after that $${LAB_PRICES.xrayRecordedPerMillion.toFixed(2)} and $${LAB_PRICES.xrayRetrievedPerMillion.toFixed(2)} per million.`,
    'Idle resources (sampling rules, IAM role, a function and an API nobody calls) cost nothing; an idle on-demand table still pays for its storage, inside DynamoDB\'s free tier at this size. Tear them down at the end anyway.',
  ];
}

/** Introduces the target; on AWS shows the estimate and asks before anything billable is created. */
export async function introduce(ctx: LabContext, ui: GuideUI): Promise<void> {
  heading(ui, 'xray-lab guide: the AWS X-Ray lab, one step at a time');
  if (ctx.target === 'local') {
    paragraphs(ui, [
      `Target: the local cloud at ${ctx.config.endpoint} (account ${ctx.accountId}, region ${ctx.region}). Nothing here costs money.`,
      'Each step shows the AWS CLI commands that do the same by hand. They carry --endpoint-url so the CLI talks to the local cloud (on AWS you would leave that option out); any access keys work locally, for example:',
    ]);
    ui.print(`  ${ui.style.dim('$')} export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n`);
    return;
  }
  paragraphs(ui, [`Target: AWS account ${ctx.accountId}, region ${ctx.region}. The commands shown are for this account and region.`]);
  paragraphs(ui, costLines());
  if (ctx.config.yes) return;
  const ok = await ctx.io.confirm({
    message: `Create the lab's resources in AWS account ${ctx.accountId} (${ctx.region}) as you go? Each step still asks first`,
    default: false,
    unsafeDefault: true,
    flag: '--yes',
  });
  if (!ok) throw new UserError('Cancelled; nothing was created.', 'Use `xray-lab guide` (local cloud, free) to try the lab first.');
}

/** Lists finished steps and names the one the walkthrough continues with. */
export function showProgress(ctx: LabContext, ui: GuideUI, steps: readonly LabStep[]): void {
  const done = steps.filter((s) => ctx.state.isStepDone(s.id));
  if (done.length === 0) return;
  heading(ui, 'Progress');
  for (const s of done) {
    const when = ctx.state.document.steps[s.id]?.completedAt ?? '';
    ui.print(`  ${ui.style.green('✔')} Step ${s.number}: ${s.title} (done ${when.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')})\n`);
  }
  const next = steps.find((s) => !ctx.state.isStepDone(s.id));
  ui.print(next ? `  Continuing at step ${next.number}: ${next.title}.\n` : '  Every step is done.\n');
}
