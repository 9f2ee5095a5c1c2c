/** The end-of-teardown report: what went, what was already gone, and what is left with the command to remove it by hand. */
import type { LabContext } from '../../lab/context.js';
import { LabError } from '../../lab/errors.js';
import type { TeardownReport } from '../../lab/teardown.js';

export interface ReportItem {
  type: string;
  id: string;
  name?: string;
  arn?: string;
}

export interface ReportFailure extends ReportItem {
  error?: string;
  /** Shell commands that delete it by hand. */
  manual: string[];
}

export interface TeardownSummary {
  deleted: ReportItem[];
  alreadyGone: ReportItem[];
  failed: ReportFailure[];
  /** Kept because something depending on them could not be deleted. */
  skipped: ReportFailure[];
  /** Found without the run tag and not confirmed: left alone on purpose. */
  leftAlone?: (ReportItem & { reason: string })[];
  /** Records still in the state file after the run. */
  remaining: number;
  stateFile: string;
}

const label = (r: ReportItem): string => `${r.type} ${r.name && r.name !== r.id ? `${r.name} (${r.id})` : r.id}`;

export function brief(r: ReportItem): ReportItem {
  return { type: r.type, id: r.id, ...(r.name && r.name !== r.id ? { name: r.name } : {}), ...(r.arn ? { arn: r.arn } : {}) };
}

export function renderTeardown(s: TeardownSummary): string {
  const lines: string[] = [];
  const section = (title: string, items: ReportItem[]) => {
    if (items.length === 0) return;
    lines.push(`${title} (${items.length}):`, ...items.map((r) => `  ${label(r)}`));
  };
  section('Deleted', s.deleted);
  section('Already gone', s.alreadyGone);
  if (s.deleted.length === 0 && s.alreadyGone.length === 0 && s.failed.length === 0 && s.skipped.length === 0) lines.push('Nothing was deleted.');
  for (const [title, items] of [['Could not delete', s.failed], ['Kept (something that depends on it is still there)', s.skipped]] as const) {
    if (items.length === 0) continue;
    lines.push(`${title} (${items.length}):`);
    for (const f of items) {
      lines.push(`  ${label(f)}${f.error ? `: ${f.error}` : ''}`);
      if (f.manual.length) lines.push('    to delete it by hand:', ...f.manual.map((c) => `      ${c}`));
    }
  }
  if (s.leftAlone?.length) {
    lines.push(`Left alone (${s.leftAlone.length}):`, ...s.leftAlone.map((r) => `  ${label(r)}: ${r.reason}`));
  }
  lines.push(
    s.remaining === 0
      ? 'Nothing recorded remains.'
      : `${s.remaining} resources remain recorded in ${s.stateFile}: run teardown again to retry, or use the commands above.`,
  );
  return lines.join('\n');
}

export function summarize(ctx: LabContext, report: TeardownReport): TeardownSummary {
  const companionsGone = report.companions.filter((c) => c.outcome !== 'failed');
  return {
    deleted: [...report.deleted.map(brief), ...companionsGone.filter((c) => c.outcome === 'deleted').map(brief)],
    alreadyGone: [...report.alreadyGone.map(brief), ...companionsGone.filter((c) => c.outcome === 'already-gone').map(brief)],
    failed: [
      ...report.failed.map((f) => ({ ...brief(f.resource), error: f.error, manual: f.manual })),
      ...report.companions.filter((c) => c.outcome === 'failed').map((c) => ({ ...brief(c), error: c.error, manual: c.manual ?? [] })),
    ],
    skipped: report.skipped.map((s) => ({ ...brief(s.resource), manual: s.manual })),
    remaining: ctx.state.resources().length,
    stateFile: ctx.state.path,
  };
}

/** Exit 0 only when nothing recorded remains and nothing failed. */
export function failIfLeft(s: TeardownSummary): void {
  if (s.remaining > 0 || s.failed.length > 0) {
    const n = s.failed.length + s.skipped.length || s.remaining;
    throw new LabError(`${n} resources could not be deleted; they are listed above with the commands to delete them by hand.`);
  }
}

