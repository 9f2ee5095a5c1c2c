/**
 * `npm run bench -- [names…] [--smoke]`: runs the named benchmarks (all when none are named) one
 * after another, prints each one's tables, and writes bench/results/<name>.json plus a Markdown
 * digest (bench/results/summary.md) to paste into BENCHMARKS.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCHMARKS } from './registry.js';
import { machineFacts, RESULTS_DIR, writeResult, type BenchResult } from './lib/result.js';

export type { BenchResult } from './lib/result.js';
import { renderText, resultMarkdown, targetsTable } from './lib/table.js';

export async function runBenchmark(name: string, smoke: boolean, log: (l: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<BenchResult> {
  const load = BENCHMARKS[name];
  if (!load) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const bench = await load();
  const machine = machineFacts();
  const date = new Date().toISOString();
  const t0 = performance.now();
  const body = await bench.run({ smoke, log: (l) => log(`[${name}] ${l}`) });
  return {
    name,
    title: bench.title,
    date,
    smoke,
    command: `npm run bench -- ${name}${smoke ? ' --smoke' : ''}`,
    machine,
    durationS: Math.round((performance.now() - t0) / 100) / 10,
    ...body,
  };
}

async function main(argv: string[]): Promise<void> {
  // The SDK's notice that Node 20 support ends would interleave with the tables.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const smoke = argv.includes('--smoke');
  const named = argv.filter((a) => !a.startsWith('--'));
  const names = named.length ? named : Object.keys(BENCHMARKS);
  const digest: string[] = [];
  let failed = 0;
  for (const name of names) {
    try {
      const result = await runBenchmark(name, smoke);
      const file = writeResult(result);
      process.stdout.write(`\n== ${result.title} (${result.durationS} s) ==\n`);
      for (const t of [...result.tables, targetsTable(result)]) process.stdout.write(`${renderText(t)}\n\n`);
      for (const n of result.notes) process.stdout.write(`note: ${n}\n`);
      process.stdout.write(`→ ${file}\n`);
      digest.push(resultMarkdown(result));
    } catch (e) {
      failed++;
      process.stderr.write(`[${name}] FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }
  if (digest.length) writeFileSync(join(RESULTS_DIR, smoke ? 'summary.smoke.md' : 'summary.md'), `${digest.join('\n\n')}\n`);
  if (failed) process.exitCode = 1;
}

// Entry only when run as the script (the smoke test imports runBenchmark).
if (process.argv[1] && import.meta.filename === process.argv[1]) await main(process.argv.slice(2));
