/**
 * The lab page's data: which steps are done, the resources the state file records, the invoke URL,
 * and step 6's queries as filters the page can open. Read from the state file on every request (it is
 * written atomically, so reading without the lock is safe) so the page follows a lab run live.
 */
import { ERROR_FILTER, SERVICE_FILTER } from '../../../steps/traces.js';
import { steps } from '../../../steps/index.js';
import { ANNOTATION_FILTER } from '../../cli/guide/lessons/trace-analysis.js';
import { invokeUrlFromState } from '../../lab/load/invoke-url.js';
import { readStateFile } from '../../lab/state.js';
import type { LabPage } from '../lab-answer.js';

export type { LabPage };

/** Step 6's questions, as the filter expressions the guide teaches. */
export const LAB_QUERIES: LabPage['queries'] = [
  { title: 'Traces with a 4xx at the entry point (the missing user)', filter: ERROR_FILTER },
  { title: 'Traces through the function', filter: SERVICE_FILTER },
  { title: 'Users the function did not find (an annotation)', filter: ANNOTATION_FILTER },
  { title: 'Server-side failures (5xx)', filter: 'fault = true' },
  { title: 'Requests slower than 200 ms', filter: 'responsetime > 0.2' },
];

export async function readLabPage(o: { target: 'local' | 'aws'; region: string; stateFile: string | undefined }): Promise<LabPage> {
  const doc = o.stateFile ? await readStateFile(o.stateFile) : undefined;
  return {
    target: o.target,
    region: o.region,
    stateFile: o.stateFile ?? null,
    invokeUrl: invokeUrlFromState(doc) ?? null,
    steps: steps.map((s) => {
      const rec = doc?.steps[s.id];
      return { number: s.number, id: s.id, title: s.title, done: rec !== undefined, ...(rec ? { completedAt: rec.completedAt } : {}) };
    }),
    resources: (doc?.resources ?? []).map((r) => ({
      step: r.step, type: r.type, id: r.id, ...(r.arn ? { arn: r.arn } : {}), createdAt: r.createdAt, status: r.status,
    })),
    queries: LAB_QUERIES,
  };
}
