/**
 * The CLI tests run the built CLI (`node bin/xray-lab.js`), as users do: starting it is ~10× faster than
 * transpiling TypeScript on every call. So the build must be current — rebuild when any source is newer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function buildOnce(): void {
  const built = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'steps')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources && existsSync(join(ROOT, 'dist', 'src', 'local', 'lambda', 'bootstrap.mjs'))) return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}
