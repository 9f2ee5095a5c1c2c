/**
 * Step 5: traffic for the traces. The guide's test requests, then a short bounded load on the lab's
 * stage (`xray-lab load` runs longer or harder ones). Creates and records nothing.
 */
import { UserError } from '../src/lab/errors.js';
import { API_STEP_ID } from './user-api.js';
import type { LabContext, LabStep, StepOutcome } from '../src/lab/context.js';
import { invokeUrlFromState } from '../src/lab/load/invoke-url.js';
import { runLabLoad } from '../src/lab/load/lab-run.js';
import { DEFAULT_USERS } from '../src/lab/load/types.js';

export const LOAD_STEP_ID = 'load';
/** About the guide's pace (one request a second), doubled so a short run still spans several reservoir seconds. */
export const STEP_RATE = 2;
export const STEP_DURATION_MS = 20_000;

async function run(ctx: LabContext, durationMs: number): Promise<StepOutcome> {
  const url = invokeUrlFromState(ctx.state.document);
  if (!url) {
    throw new UserError('Step 5 needs the API of step 4 (no invoke URL is recorded)', 'Run `xray-lab setup` (or steps 3 and 4), then try again.');
  }
  const task = ctx.io.task(`Sending the guide's test requests, then ${STEP_RATE} req/s for ${durationMs / 1000} s to ${url}`);
  const { report, expectation } = await runLabLoad({
    url,
    mode: { kind: 'rate', rps: STEP_RATE },
    durationMs,
    users: [...DEFAULT_USERS],
    warmup: true,
    clients: ctx.clients,
    signal: ctx.signal,
    onProgress: (s) => task.update(`Load: ${s.sent} sent, ${s.sampled} traced, ${Math.ceil(((s.target.durationMs ?? 0) - s.elapsedMs) / 1000)} s left`),
  });
  ctx.signal.throwIfAborted();
  const total = report.sent + (report.warmup?.sent ?? 0);
  const traced = report.sampled + (report.warmup?.sampled ?? 0);
  const failed = report.errors + (report.warmup?.errors ?? 0);
  if (failed === total) {
    task.fail();
    throw new UserError(`None of the ${total} requests to ${url} got a response (${Object.keys(report.errorsByCode).join(', ') || 'no answer'})`, 'Check the API with `xray-lab doctor`.');
  }
  task.succeed(`Sent ${total} requests, ${traced} traced`);
  const p = expectation.prediction;
  const notes = [
    `statuses: ${Object.entries(report.byStatus).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}; p50 ${report.latencyMs.p50.toFixed(0)} ms, p99 ${report.latencyMs.p99.toFixed(0)} ms`,
    p ? `traced in the load phase: ${report.sampled}; the sampling rules predict ${p.expected} (${p.low}–${p.high})` : `traced in the load phase: ${report.sampled} (${expectation.reason ?? 'no prediction'})`,
    'X-Ray on AWS can take a minute or two before new traces are searchable.',
  ];
  return {
    summary: `Sent the guide's ${report.warmup?.sent ?? 0} test requests and ${report.sent} more at ${STEP_RATE} req/s; ${traced} were traced.`,
    details: { url, sent: total, byStatus: report.byStatus, warmup: report.warmup, sampled: traced, errors: failed, expectedSampled: p },
    notes,
  };
}

/** Step 5 with another load duration (the guide's tests use a short one). */
export function loadStepFor(durationMs: number): LabStep {
  return {
    id: LOAD_STEP_ID,
    number: 5,
    title: 'Test requests and load',
    requires: [API_STEP_ID],
    // Sends traffic, creates nothing: setup skips it, teardown has nothing to undo.
    readOnly: true,
    run: (ctx) => run(ctx, durationMs),
  };
}

export const loadStep: LabStep = loadStepFor(STEP_DURATION_MS);
