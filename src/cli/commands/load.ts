/**
 * `load` (lab step 5 as a command): the guide's test requests, then a bounded, measured load on the
 * lab's stage. Reads the state but takes no lock, so `traces` can run while it does. Ctrl-C ends the
 * run early and still prints the summary (exit 0: the user asked for the stop, like ping).
 */
import { join } from 'node:path';
import type { Clients } from '../../lab/clients.js';
import { resolveConfig, type LabConfig } from '../../lab/config.js';
import { UserError } from '../../lab/errors.js';
import type { IO } from '../../lab/io.js';
import { estimateAwsCost } from '../../lab/load/cost.js';
import { invokeUrlFromState } from '../../lab/load/invoke-url.js';
import { expectation, runLabLoad, tracingFacts, type TracingFacts } from '../../lab/load/lab-run.js';
import { LAB_WARMUP_PATHS, type LoadSnapshot } from '../../lab/load/types.js';
import { readStateFile, stateFileName } from '../../lab/state.js';
import { commandSignal } from '../exit.js';
import { createIO } from '../io-terminal.js';
import { colorLevel, isLiveTerminal } from '../terminal.js';
import { renderProgressBar, renderProgressLine } from '../render/progress.js';
import { accountOf, clientsFor, localEndpoint } from '../session.js';
import { checkAwsLimits, planFromFlags, plannedRequests, type LoadFlags, type LoadPlan } from './load-options.js';
import { renderSummary, summarize } from './load-summary.js';

const LINE_EVERY_MS = 5_000;

async function recordedInvokeUrl(config: LabConfig, clients: Clients, signal: AbortSignal): Promise<string> {
  const account = await accountOf(clients, config, signal);
  const url = invokeUrlFromState(await readStateFile(join(config.stateDir, stateFileName(config.target, account, config.region))));
  if (!url) {
    throw new UserError(
      `No API is recorded for ${config.target === 'aws' ? `account ${account}` : 'the local cloud'} in ${config.region}`,
      'Run `xray-lab setup` first (steps 3 and 4 create the function and the API), or pass --url with a stage URL.',
    );
  }
  return url;
}

/** A bar redrawn in place on a terminal; otherwise a plain line every few seconds (CI logs). */
async function progressPrinter(json: boolean): Promise<((s: LoadSnapshot) => void) & { end(): void }> {
  const tty = isLiveTerminal(process.stderr) && !json;
  const { Chalk } = await import('chalk');
  const chalk = new Chalk({ level: colorLevel(process.stderr) });
  let lastLine = -Infinity;
  let drawn = false;
  const print = (s: LoadSnapshot): void => {
    if (tty) {
      process.stderr.write(`\r${renderProgressBar(s, { chalk, width: process.stderr.columns || 100 })}`);
      drawn = true;
    } else if (s.done || s.elapsedMs - lastLine >= LINE_EVERY_MS) {
      lastLine = s.elapsedMs;
      process.stderr.write(`${renderProgressLine(s)}\n`);
    }
  };
  return Object.assign(print, { end: () => void (drawn && process.stderr.write('\n')) });
}

async function confirmAwsRun(io: IO, config: LabConfig, plan: LoadPlan, facts: TracingFacts, url: string, iKnowTheCost: boolean): Promise<void> {
  checkAwsLimits(plan, iKnowTheCost);
  const planned = plannedRequests(plan);
  const warm = plan.warmup ? LAB_WARMUP_PATHS.length : 0;
  const perThousand = estimateAwsCost({ requests: 1000, tracesRecorded: 1000, tracesRetrieved: 0 });
  if (planned !== undefined) {
    const durationS = plan.durationMs !== undefined ? plan.durationMs / 1000 : planned / (plan.mode.kind === 'rate' ? plan.mode.rps : 1);
    const exp = expectation(facts, { url, users: plan.users, rps: planned / Math.max(durationS, 1e-9), durationS, warmup: plan.warmup });
    const traces = (exp.prediction ? Math.ceil(exp.prediction.high) : planned) + warm;
    const est = estimateAwsCost({ requests: planned + warm, tracesRecorded: traces, tracesRetrieved: 0 });
    io.info(`Estimated AWS cost of ${planned + warm} requests (${traces} traces at most): $${est.totalUsd.toFixed(4)}`);
    for (const i of est.items) if (i.costUsd > 0) io.info(`  ${i.service} ${i.item}: $${i.costUsd.toFixed(5)}`);
    io.info(`  (${est.assumptions.join('; ')})`);
  } else {
    io.info(`No bound on the request count: about $${perThousand.totalUsd.toFixed(4)} per 1,000 requests, every one traced.`);
  }
  if (config.yes) return;
  const ok = await io.confirm({ message: `Send this load to ${url} in AWS (${config.region})?`, default: false, unsafeDefault: true, flag: '--yes' });
  if (!ok) throw new UserError('Cancelled; no requests were sent.');
}

export async function loadCommand(flags: LoadFlags): Promise<void> {
  const config = resolveConfig(flags);
  const plan = planFromFlags(flags, config.target);
  const io = createIO(config.json);
  const signal = commandSignal();
  // With --url the local cloud need not run (no prediction then); without, the state lives there.
  const endpoint = config.target === 'local' ? await localEndpoint(config, io, flags.url === undefined) : config.endpoint;
  const clients = config.target === 'aws' || endpoint ? clientsFor(config, endpoint) : undefined;
  try {
    const url = flags.url ?? (await recordedInvokeUrl(config, clients!, signal));
    if (!/^https?:\/\//.test(url)) throw new UserError(`--url must be an http(s) URL of a stage, got "${url}".`);
    const facts = await tracingFacts(clients, url, signal);
    if (config.target === 'aws') await confirmAwsRun(io, config, plan, facts, url, flags.iKnowTheCost === true);
    io.notify(`Load on ${url}: ${plan.mode.kind === 'rate' ? `${plan.mode.rps} req/s` : `${plan.mode.connections} connections`}, ${[
      plan.durationMs !== undefined ? `${plan.durationMs / 1000} s` : '',
      plan.requests !== undefined ? `${plan.requests} requests` : '',
    ].filter(Boolean).join(' or ')}${plan.warmup ? `, after the guide's ${LAB_WARMUP_PATHS.length} test requests` : ''}`);
    const progress = await progressPrinter(config.json);
    const { report, schedule, expectation: exp } = await runLabLoad({
      url, mode: plan.mode, users: plan.users, warmup: plan.warmup, signal, facts, onProgress: progress,
      ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
      ...(plan.requests !== undefined ? { requests: plan.requests } : {}),
      ...(clients ? { clients } : {}),
    });
    progress.end();
    const summary = summarize(url, report, schedule, exp);
    if (summary.sampledAsExpected === false) {
      io.warn(`${summary.sampled} requests were traced, outside the ${summary.expectedSampled!.low}–${summary.expectedSampled!.high} the sampling rules predict; \`xray-lab doctor\` checks the tracing setup.`);
    }
    io.result(summary, renderSummary(summary));
  } finally {
    clients?.destroy();
  }
}
