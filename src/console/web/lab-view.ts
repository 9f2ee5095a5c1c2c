/** The lab page: progress through the six steps, what the state file records, the invoke URL, step 6's queries as filters. */
import { getJson, type LabAnswer } from './api.js';
import { html } from './html.js';
import { usePoll } from './poll.js';
import { href } from './route.js';
import { Status } from './widgets.js';

export function LabView({ live }: { live: boolean }) {
  const lab = usePoll('lab', (signal) => getJson<LabAnswer>('/api/lab', signal), live);
  const d = lab.data;
  const done = d ? d.steps.filter((s) => s.done).length : 0;
  return html`<section aria-labelledby="lab-title">
    <div class="toolbar"><h1 id="lab-title">Lab</h1></div>
    <${Status} polled=${lab} />
    ${d
      ? html`
        <p>Target <strong>${d.target}</strong>, region <strong>${d.region}</strong>. ${d.stateFile ? html`State file <code>${d.stateFile}</code>.` : 'No state file yet: run xray-lab setup.'}</p>
        <h2>Progress</h2>
        <label class="progress-label">${done} of ${d.steps.length} steps done
          <progress max=${d.steps.length} value=${done}>${done}/${d.steps.length}</progress></label>
        <ol class="steps">${d.steps.map((s) => html`<li class=${s.done ? 'done' : ''}>${s.done ? '✓ ' : ''}Step ${s.number}: ${s.title}${s.done && s.completedAt ? html` <span class="muted">(${new Date(s.completedAt).toLocaleString()})</span>` : null}</li>`)}</ol>
        <h2>Invoke URL</h2>
        ${d.invokeUrl
          ? html`<p><code class="url" data-invoke-url>${d.invokeUrl}</code> — e.g. <a href=${`${d.invokeUrl}/users/user123`} target="_blank" rel="noopener noreferrer">${d.invokeUrl}/users/user123</a></p>`
          : html`<p>Not created yet: step 4 (xray-lab step 4) builds the API.</p>`}
        <h2>Step 6: the lab's queries</h2>
        <ul class="queries">${d.queries.map((q) => html`<li><a href=${href({ view: 'traces', since: '1h', filter: q.filter })}><code>${q.filter}</code></a> — ${q.title}</li>`)}</ul>
        <h2>Resources in the state file</h2>
        ${d.resources.length === 0
          ? html`<p>No resources recorded.</p>`
          : html`<div class="table-scroll"><table class="resources">
              <thead><tr><th scope="col">Step</th><th scope="col">Type</th><th scope="col">Id / ARN</th><th scope="col">Created</th></tr></thead>
              <tbody>${d.resources.map((r) => html`<tr><td>${r.step}</td><td>${r.type}</td><td class="mono">${r.arn ?? r.id}</td><td>${new Date(r.createdAt).toLocaleString()}${r.status === 'creating' ? ' (may not have completed)' : ''}</td></tr>`)}</tbody>
            </table></div>`}`
      : null}
  </section>`;
}
