/**
 * The walkthrough's decisions, driven in-process through RecordingIO against a real local cloud:
 * skipping, resuming at the first step not done, verification failures, and the quiz score.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { Chalk } from 'chalk';
import { describe, expect } from 'vitest';
import { runGuide } from '../../src/cli/guide/flow.js';
import { lessons } from '../../src/cli/guide/lessons/index.js';
import { QUIZ } from '../../src/cli/guide/quiz.js';
import { SOURCES } from '../../src/cli/guide/sources.js';
import type { GuideUI } from '../../src/cli/guide/screen.js';
import { type LabContext } from '../../src/lab/context.js';
import { RecordingIO } from '../../src/lab/io.js';
import { StateStore } from '../../src/lab/state.js';
import { executeTeardown } from '../../src/lab/teardown.js';
import { steps as labSteps } from '../../steps/index.js';
import { loadStepFor } from '../../steps/load.js';
import { labTest as it } from '../support/fixtures.js';
import type { LabFixture } from '../support/lab-context.js';

// Step 5 with a one-second load: the walk through all six steps stays quick.
const steps = labSteps.map((s) => (s.id === 'load' ? loadStepFor(1_000) : s));
/** Steps 3 to 6 skipped (4 to 6 are then blocked, and Skip is their first choice). */
const SKIP_REST = ['skip', 'skip', 'skip', 'skip'];

describe('guide flow', () => {
  let state: StateStore;
  let printed: string;
  let lab: LabFixture;

  it.beforeEach(({ lab: fresh }) => {
    lab = fresh;
    ({ state } = lab);
    printed = '';
  });
  it.afterEach(async () => {
    await executeTeardown(context(new RecordingIO()), steps);
  });

  function context(io: RecordingIO): LabContext {
    return lab.context({ io });
  }
  const ui = (): GuideUI => ({ print: (t) => void (printed += t), style: new Chalk({ level: 0 }), width: 100, interactive: true });
  const quizAnswers = (right: number) => QUIZ.map((q, i) => (i < right ? q.answer : q.choices.find((c) => c.value !== q.answer)!.value));

  it('a skipped step stays undone, the recap says so, and the next run offers it first', async () => {
    const io = new RecordingIO(['skip', 'run', ...SKIP_REST, ...quizAnswers(QUIZ.length), false]);

    const report = await runGuide(context(io), ui(), steps, lessons);

    expect(report).toEqual({ ran: ['user-table'], skipped: ['sampling-rules', 'user-function', 'user-api', 'load', 'trace-analysis'], quit: false });
    expect(printed).toMatch(/This step needs step 3 \(IAM role and traced Lambda function\) first, which was skipped/);
    expect(state.isStepDone('sampling-rules')).toBe(false);
    expect(printed).toMatch(/○ Step 1: Sampling rules \(not done: run `xray-lab guide` again to do it\)/);
    expect(printed).toContain(`Score: ${QUIZ.length} of ${QUIZ.length}`);
    expect(printed).toMatch(/Kept\. Run `xray-lab teardown` when you are done\./);

    printed = '';
    const again = new RecordingIO(['quit']);
    const second = await runGuide(context(again), ui(), steps, lessons);

    expect(second.quit).toBe(true);
    expect(again.events.filter((e) => e.kind === 'select').map((e) => e.text)).toEqual(['Step 1: what now?']);
    expect(printed).toMatch(/Continuing at step 1: Sampling rules/);
  });

  it('counts quiz answers and tears down on request', async () => {
    const io = new RecordingIO(['run', 'run', ...SKIP_REST, ...quizAnswers(2), true]);

    await runGuide(context(io), ui(), steps, lessons);

    expect(printed).toContain(`Score: 2 of ${QUIZ.length}`);
    expect([...printed.matchAll(/✘ Not quite/g)]).toHaveLength(QUIZ.length - 2);
    for (const q of QUIZ) expect(printed.replace(/\s+/g, ' ')).toContain(`Source: ${q.source}`);
    expect(printed).toMatch(/Deleted 3 resources/);
    expect(state.resources()).toEqual([]);
  });

  it('walks all six steps with checks (OpenTelemetry chosen at step 3), quits at step 5 and resumes there', { timeout: 60_000 }, async () => {
    const first = new RecordingIO(['run', 'run', 'run', 'otel', 'run', 'quit']);

    const report = await runGuide(context(first), ui(), steps, lessons);

    expect(report).toEqual({ ran: ['sampling-rules', 'user-table', 'user-function', 'user-api'], skipped: [], quit: true });
    expect(printed).toMatch(/GetFunction: arn:aws:lambda:us-east-1:000000000000:function:user-service is Active \(nodejs\d+\.x, tracing Active\)/);
    expect(first.events.filter((e) => e.kind === 'select').map((e) => e.text)).toContainEqual(expect.stringMatching(/^How should user-service be traced\? \(OpenTelemetry is recommended: .*maintenance mode since 2026-02-25/));
    expect(printed).toMatch(/user-service is traced with OpenTelemetry/);
    expect(state.resources().find((r) => r.type === 'lambda:Function')?.extra?.instrumentation).toBe('otel');
    const apiId = state.resources().find((r) => r.type === 'apigateway:RestApi')!.id;
    expect(printed).toMatch(new RegExp(`GET http://127\\.0\\.0\\.1:\\d+/_aws/execute-api/${apiId}/prod/users/user123: 200, John Doe`));
    expect(printed).toMatch(/To continue at step 5, run: xray-lab guide/);

    printed = '';
    const second = new RecordingIO(['run', 'run', ...quizAnswers(QUIZ.length), false]);
    const resumed = await runGuide(context(second), ui(), steps, lessons);

    expect(resumed).toEqual({ ran: ['load', 'trace-analysis'], skipped: [], quit: false });
    expect(printed).toMatch(/Continuing at step 5: Test requests and load/);
    expect(printed).toMatch(/GetTraceSummaries: \d+ traces? in the last 10 minutes/);
    expect(printed).toMatch(/BatchGetTraces 1-[0-9a-f]{8}-[0-9a-f]{24}: segments .*user-api\/prod/);
    // The client node has no name (as on AWS), so the check calls it by its type.
    expect(printed).toMatch(/GetServiceGraph: \d+ nodes: client, /);
    expect(printed).not.toMatch(/undefined \(client\)|user-api\/prod \(client\)/);
    expect(printed).toMatch(/aws xray batch-get-traces(?: \\\n\s+| )--trace-ids 1-[0-9a-f]{8}-[0-9a-f]{24}/);
    expect(printed).toContain(`Score: ${QUIZ.length} of ${QUIZ.length}`);
  });

  it('"Show details" names the source of every ⚠ note and of the lesson\'s claims', async () => {
    const io = new RecordingIO(['details', 'quit']);

    await runGuide(context(io), ui(), steps, lessons);

    const details = printed.slice(printed.indexOf('Details')).replace(/\s+/g, ' ');
    expect(details).toContain('Sources');
    for (const c of lessons['sampling-rules'].corrections) expect(details).toContain(`⚠ It ${c.guide}: ${c.source}`);
    for (const s of lessons['sampling-rules'].sources) expect(details).toContain(s.url);
    expect(details).toContain(SOURCES.nodeLocalSampler);
  });

  it("fails loudly (not silently) when a step's result is not really there", async () => {
    const io = new RecordingIO(['run']);
    const ctx = context(io);
    // The table disappears between the step and its check: something the step itself cannot cause.
    const lesson = lessons['user-table'];
    const broken = {
      ...lessons,
      'user-table': {
        ...lesson,
        verify: async (c: LabContext) => {
          await (await c.clients.dynamodb()).send(new DeleteTableCommand({ TableName: 'UserProfiles' }));
          return lesson.verify(c);
        },
      },
    };
    await state.markStepDone('sampling-rules', 'run-test');

    await expect(runGuide(ctx, ui(), steps, broken)).rejects.toThrow(/Step 2 ran, but its check failed: .*UserProfiles/);
    expect(io.events.some((e) => e.kind === 'task-fail' && /result is not there/.test(e.text))).toBe(true);
  });
});
