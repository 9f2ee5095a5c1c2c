/**
 * (2) Local lab end to end with the built CLI, from a stopped local cloud and an empty data dir:
 * `setup --yes` (starts the cloud, steps 1–4), `load --requests 1000` (SIMULATED_WORK_MS=0 in the
 * environment), `traces list`, `traces map`. Each run uses a fresh sandbox; the cloud is stopped after.
 */
import type { Benchmark, BenchBody, Cell } from './lib/result.js';
import { target } from './lib/result.js';
import { ensureBuilt } from '../test/support/build.js';
import { cliSandbox, type Timed } from './lib/proc.js';
import { median, round } from './lib/stats.js';

interface Stage {
  name: string;
  args: string[];
}

function stepCount(stdout: string): string {
  try {
    return String((JSON.parse(stdout) as { steps: unknown[] }).steps.length);
  } catch {
    return 'an unknown number of';
  }
}

export const labE2e: Benchmark = {
  name: 'lab-e2e',
  title: 'Local lab end to end (built CLI)',
  async run({ smoke, log }): Promise<BenchBody> {
    ensureBuilt(log);
    const requests = smoke ? 20 : 1000;
    const runs = smoke ? 1 : 3;
    const stages: Stage[] = [
      { name: 'setup --yes', args: ['setup', '--yes', '--json', '--simulated-work-ms', '0'] },
      { name: `load --requests ${requests}`, args: ['load', '--requests', String(requests)] },
      { name: 'traces list', args: ['traces', 'list'] },
      { name: 'traces map', args: ['traces', 'map'] },
    ];
    const times: Record<string, number[]> = Object.fromEntries(stages.map((s) => [s.name, []]));
    const totals: number[] = [];
    const notes: string[] = [];
    let missing: string | undefined;
    for (let i = 0; i < runs && !missing; i++) {
      const box = cliSandbox();
      log(`run ${i + 1}/${runs} in ${box.root}`);
      try {
        let total = 0;
        for (const s of stages) {
          const r: Timed = await box.run(s.args, { SIMULATED_WORK_MS: '0' }, 120_000);
          if (r.code !== 0) {
            // A command that is not there yet (or fails) ends the sequence: report, do not guess.
            missing = `\`xray-lab ${s.args.join(' ')}\` exited ${r.code}: ${r.stderr.trim().split('\n').slice(0, 2).join(' ')}`;
            break;
          }
          times[s.name].push(r.ms);
          if (s === stages[0] && i === 0) notes.push(`setup ran ${stepCount(r.stdout)} lab step(s).`);
          total += r.ms;
        }
        if (!missing) totals.push(total);
      } finally {
        await box.run(['local', 'stop']);
        box.dispose();
      }
    }
    if (missing) notes.push(`Sequence incomplete: ${missing}`);
    const rows: Cell[][] = stages.map((s) => [s.name, times[s.name].length, times[s.name].length ? round(median(times[s.name]), 0) : null]);
    rows.push(['whole sequence', totals.length, totals.length ? round(median(totals), 0) : null]);
    const setup = times[stages[0].name];
    return {
      tables: [{ title: `Wall time (ms), median of ${runs} fresh run(s)`, columns: ['command', 'runs', 'median ms'], rows }],
      targets: [
        target('setup --yes (cold, steps 1–4)', '≤ 3000 ms', setup.length ? round(median(setup), 0) : null, 'ms', (x) => x <= 3000),
        target('whole sequence', '≤ 15000 ms', totals.length ? round(median(totals), 0) : null, 'ms', (x) => x <= 15000),
      ],
      notes,
    };
  },
};
