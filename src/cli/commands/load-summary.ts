/** The end-of-run summary of `load`: the JSON document and the human text. */
import type { ScheduleReport, TracingExpectation } from '../../lab/load/lab-run.js';
import type { LoadReport } from '../../lab/load/types.js';
import { formatMs } from '../render/text.js';

export interface LoadSummary {
  url: string;
  mode: LoadReport['mode'];
  sent: number;
  durationS: number;
  rps: number;
  byStatus: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Start rate achieved (first to last start) and the worst delay of a start behind its schedule. */
  schedule: ScheduleReport;
  errors: number;
  errorsByCode: Record<string, number>;
  sampled: number;
  expectedSampled: { expected: number; low: number; high: number; rules: { ruleName: string; reservoirSize: number; fixedRate: number; share: number }[] } | null;
  /** True when the traced count lies outside the predicted bounds (null: no prediction). */
  sampledAsExpected: boolean | null;
  stage: { apiId: string | null; name: string; tracingEnabled: boolean | null };
  aborted: boolean;
  cancelled: number;
  warmup?: LoadReport['warmup'];
  notes: string[];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function summarize(url: string, report: LoadReport, schedule: ScheduleReport, exp: TracingExpectation): LoadSummary {
  const p = exp.prediction;
  const { p50, p90, p99, max } = report.latencyMs;
  return {
    url,
    mode: report.mode,
    sent: report.sent,
    durationS: round(report.durationS, 3),
    rps: round(report.rps, 2),
    byStatus: report.byStatus,
    latencyMs: { p50: round(p50), p90: round(p90), p99: round(p99), max: round(max) },
    schedule: { offeredRps: round(schedule.offeredRps, 2), maxStartLagMs: round(schedule.maxStartLagMs) },
    errors: report.errors,
    errorsByCode: report.errorsByCode,
    sampled: report.sampled,
    expectedSampled: p ? { expected: p.expected, low: p.low, high: p.high, rules: p.rules } : null,
    sampledAsExpected: p ? report.sampled >= p.low && report.sampled <= p.high : null,
    stage: { apiId: exp.stage.apiId ?? null, name: `${exp.stage.apiName}/${exp.stage.stage}`, tracingEnabled: exp.stage.tracingEnabled ?? null },
    aborted: report.aborted,
    cancelled: report.cancelled,
    ...(report.warmup ? { warmup: report.warmup } : {}),
    notes: exp.reason ? [exp.reason] : [],
  };
}

function statuses(byStatus: Record<string, number>): string {
  const keys = Object.keys(byStatus).sort();
  return keys.length ? keys.map((k) => `${k} ×${byStatus[k]}`).join(' · ') : 'none';
}

function ruleText(r: { ruleName: string; reservoirSize: number; fixedRate: number }): string {
  return `${r.ruleName}: ${r.reservoirSize}/s then ${round(r.fixedRate * 100, 2)} %`;
}

export function renderSummary(s: LoadSummary): string {
  const lines: string[] = [];
  if (s.warmup) {
    lines.push(`Test requests: ${s.warmup.sent} sent · ${statuses(s.warmup.byStatus)} · traced ${s.warmup.sampled}${s.warmup.errors ? ` · ${s.warmup.errors} transport errors` : ''}`);
  }
  lines.push(`${s.aborted ? 'Stopped early: ' : ''}${s.sent} requests in ${s.durationS.toFixed(1)} s (${s.rps.toFixed(1)} req/s completed, ${s.schedule.offeredRps.toFixed(1)} req/s started) to ${s.url}`);
  lines.push(`Status: ${statuses(s.byStatus)}`);
  lines.push(`Latency: p50 ${formatMs(s.latencyMs.p50)} · p90 ${formatMs(s.latencyMs.p90)} · p99 ${formatMs(s.latencyMs.p99)} · max ${formatMs(s.latencyMs.max)}`);
  const codes = Object.entries(s.errorsByCode).map(([k, v]) => `${k} ×${v}`).join(', ');
  lines.push(`Transport errors: ${s.errors}${codes ? ` (${codes})` : ''}`);
  const e = s.expectedSampled;
  if (s.stage.tracingEnabled === false) {
    lines.push(`Traced: ${s.sampled} (tracing is off on stage ${s.stage.name}, so none were expected)`);
  } else if (e) {
    const rules = e.rules.map(ruleText).join('; ');
    const verdict = s.sampledAsExpected ? 'as expected' : 'OUTSIDE the expected range';
    lines.push(`Traced: ${s.sampled} of ${s.sent} — rules predict ${e.expected} (${e.low}–${e.high}), ${verdict} [${rules}]`);
  } else {
    lines.push(`Traced: ${s.sampled} of ${s.sent} (no prediction: ${s.notes[0] ?? 'unknown rules'})`);
  }
  if (e && s.stage.tracingEnabled !== false) for (const n of s.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}
