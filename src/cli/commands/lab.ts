/** `setup` and `step <n>`: run lab steps against the chosen target. */
import type { CommonFlags } from '../../lab/config.js';
import type { LabContext, LabStep } from '../../lab/context.js';
import { UserError } from '../../lab/errors.js';
import { findStep, runSteps, type StepRun } from '../../lab/runner.js';
import { steps } from '../../../steps/index.js';
import { openSession } from '../session.js';

/** Creating resources on AWS may cost money: ask, and without a terminal insist on --yes. */
async function confirmCreate(ctx: LabContext, selected: readonly LabStep[]): Promise<void> {
  if (ctx.target !== 'aws' || ctx.config.yes) return;
  const what = selected.map((s) => `step ${s.number} (${s.title})`).join(', ');
  const ok = await ctx.io.confirm({
    message: `Create the resources of ${what} in AWS account ${ctx.accountId}, region ${ctx.region}? They may incur small charges`,
    default: false,
    unsafeDefault: true,
    flag: '--yes',
  });
  if (!ok) throw new UserError('Cancelled; nothing was created.');
}

function render(runs: StepRun[]): string {
  const lines: string[] = [];
  for (const r of runs) {
    lines.push(`Step ${r.number} (${r.title}): ${r.outcome.summary}`);
    for (const n of r.outcome.notes ?? []) lines.push(`  - ${n}`);
  }
  return lines.join('\n');
}

async function runSelected(flags: CommonFlags, selected: (all: readonly LabStep[]) => LabStep[], command: string): Promise<void> {
  const session = await openSession(flags, command);
  try {
    const { ctx } = session;
    const chosen = selected(steps);
    if (ctx.target === 'aws') {
      // Stop before creating anything when credentials, region or permissions are not right.
      const { assertReady } = await import('../../lab/doctor/index.js');
      await assertReady({ config: ctx.config, clients: ctx.clients, env: process.env, nodeVersion: process.version, signal: ctx.signal, now: Date.now() });
    }
    await confirmCreate(ctx, chosen);
    const runs = await runSteps(ctx, steps, chosen);
    ctx.io.result(
      {
        target: ctx.target,
        region: ctx.region,
        accountId: ctx.accountId,
        runId: ctx.runId,
        stateFile: ctx.state.path,
        steps: runs.map((r) => ({ number: r.number, id: r.step, title: r.title, ...r.outcome })),
      },
      render(runs),
    );
  } finally {
    await session.close();
  }
}

export async function setupCommand(flags: CommonFlags): Promise<void> {
  await runSelected(flags, (all) => all.filter((s) => !s.readOnly), 'setup');
}

export async function stepCommand(n: number, flags: CommonFlags): Promise<void> {
  // Validate the number before touching any service.
  findStep(steps, n);
  await runSelected(flags, (all) => [findStep(all, n)], `step ${n}`);
}
