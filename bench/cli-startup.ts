/**
 * (1) CLI start-up: wall time of `xray-lab --help` and `xray-lab status` (built CLI, sandboxed, local
 * cloud stopped) against `aws --version` (AWS CLI v2), alternated within one run.
 */
import type { Benchmark, BenchBody } from './lib/result.js';
import { target } from './lib/result.js';
import { ensureBuilt } from '../test/support/build.js';
import { cliSandbox, findAwsCliV2, timedRun, type Timed } from './lib/proc.js';
import { ratio, round, summarize } from './lib/stats.js';

function check(t: Timed, what: string): number {
  if (t.code !== 0) throw new Error(`${what} exited ${t.code}: ${t.stderr.slice(0, 500)}`);
  return t.ms;
}

export const cliStartup: Benchmark = {
  name: 'cli-startup',
  title: 'CLI start-up',
  async run({ smoke, log }): Promise<BenchBody> {
    ensureBuilt(log);
    const aws = findAwsCliV2();
    const runs = smoke ? 2 : 15;
    const box = cliSandbox();
    const times = { help: [] as number[], status: [] as number[], aws: [] as number[], node: [] as number[] };
    try {
      // One untimed round fills the OS file cache for all three, so the first timed run is not an outlier.
      await box.run(['--help']);
      await box.run(['status']);
      if (aws) await timedRun(aws, ['--version'], box.env);
      log(`${runs} rounds of --help, status, node -e 0${aws ? ', aws --version' : ''}`);
      const order = ['help', 'status', 'aws', 'node'] as const;
      for (let i = 0; i < runs; i++) {
        // Rotate the order each round: whatever runs first after a pause pays for a cold scheduler.
        for (let k = 0; k < order.length; k++) {
          const which = order[(i + k) % order.length];
          if (which === 'help') times.help.push(check(await box.run(['--help']), 'xray-lab --help'));
          if (which === 'status') times.status.push(check(await box.run(['status']), 'xray-lab status'));
          // Bare `node -e 0`: the floor any Node CLI pays on this machine at this moment.
          if (which === 'node') times.node.push(check(await timedRun(process.execPath, ['-e', '0'], box.env), 'node -e 0'));
          if (which === 'aws' && aws) times.aws.push(check(await timedRun(aws, ['--version'], box.env), 'aws --version'));
        }
      }
    } finally {
      box.dispose();
    }
    const help = summarize(times.help);
    const status = summarize(times.status);
    const awsS = aws ? summarize(times.aws) : undefined;
    const nodeS = summarize(times.node);
    const speedup = awsS ? ratio(awsS.median, help.median) : null;
    const row = (name: string, s: ReturnType<typeof summarize>) => [name, s.n, round(s.median, 1), round(s.min, 1), round(s.max, 1), awsS ? round(awsS.median / s.median, 2) : null];
    return {
      tables: [
        {
          title: 'Wall time per invocation (ms), alternated in one run',
          columns: ['command', 'runs', 'median', 'min', 'max', 'aws/this'],
          rows: [row('xray-lab --help', help), row('xray-lab status (local cloud stopped)', status), row('node -e 0 (floor)', nodeS), ...(awsS ? [row('aws --version (CLI v2)', awsS)] : [])],
        },
      ],
      targets: [
        target('--help median', '≤ 150 ms', round(help.median, 1), 'ms', (x) => x <= 150),
        target('--help vs aws --version', '≥ 4× faster', speedup === null ? null : round(speedup, 2), '×', (x) => x >= 4),
      ],
      notes: [
        `--help costs ${round(help.median - nodeS.median, 1)} ms above a bare \`node -e 0\` (median ${round(nodeS.median, 1)} ms) in the same run.`,
        ...(aws ? [] : ['AWS CLI v2 not found at /usr/bin/aws: no baseline, ratio not measured.']),
      ],
    };
  },
};
