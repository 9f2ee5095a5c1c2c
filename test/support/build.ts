/**
 * The built CLI (dist/) is what benchmarks time and CLI tests run, as users do: rebuild it when it is
 * missing or older than any source. Shared by the bench scripts and the test suite's global set-up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BUILT = [
  join(ROOT, 'dist', 'src', 'cli', 'main.js'),
  join(ROOT, 'dist', 'src', 'local', 'lambda', 'bootstrap.mjs'),
  // The console's bundled front end (src/console/build-web.ts).
  join(ROOT, 'dist', 'console', 'app.js'),
];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'steps')));
  return BUILT.some((f) => !existsSync(f)) || statSync(BUILT[0]!).mtimeMs < sources;
}

/** `npm run build` when stale; `quiet` keeps the compiler's stdout out of benchmark output. */
export function ensureBuilt(log: (line: string) => void = () => {}, quiet = true): void {
  if (!buildIsStale()) return;
  log('building the CLI (npm run build)…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' });
}
