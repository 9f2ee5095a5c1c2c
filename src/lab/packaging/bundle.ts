/**
 * esbuild turns the TypeScript handler and everything it imports (X-Ray SDK, AWS SDK v3 clients) into one
 * CommonJS `index.js`, so the function needs no node_modules and runs the exact versions we tested.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PackagingError } from './errors.js';

const HANDLER_SUBDIR = join('handlers', 'user-service');
const ENTRY_FILE = 'index.ts';

/**
 * The package root is the nearest ancestor holding `handlers/user-service/index.ts`; walking up works the
 * same from `src/lab/packaging/` (tsx, vitest) and `dist/src/lab/packaging/` (compiled, or installed).
 */
export function defaultHandlerDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, HANDLER_SUBDIR);
    if (existsSync(join(candidate, ENTRY_FILE))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new PackagingError('HandlerNotFound', `Cannot find ${join(HANDLER_SUBDIR, ENTRY_FILE)} above ${from}.`, false);
}

/** Hash of every file under the handler directory (names and bytes, in a stable order) plus the target. */
export async function handlerSourceHash(handlerDir: string, target: string): Promise<string> {
  const hash = createHash('sha256').update(`target=${target}\0`);
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) hash.update(`${relative(handlerDir, path)}\0`).update(await readFile(path)).update('\0');
    }
  };
  await walk(handlerDir);
  return hash.digest('hex');
}

export async function bundleHandler(handlerDir: string, target: string): Promise<Buffer> {
  const entry = resolve(handlerDir, ENTRY_FILE);
  if (!existsSync(entry)) {
    throw new PackagingError('HandlerNotFound', `Handler entry ${entry} does not exist.`, false);
  }
  const result = await build({
    entryPoints: [entry],
    // Paths esbuild records are relative to this, so the output does not depend on where the repo lives.
    absWorkingDir: dirname(entry),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target,
    minify: true,
    // The SDKs' ESM builds let esbuild drop what the handler never calls (a third less code to compile at
    // every cold start); packages without one still resolve through `main`.
    mainFields: ['module', 'main'],
    // import() of a builtin becomes a require() promise: a bundle without import() can be loaded with a
    // prepared V8 code cache (src/local/lambda/handler-module.mjs), and behaves the same.
    supported: { 'dynamic-import': false },
    sourcemap: false,
    write: false,
    outfile: 'index.js',
    logLevel: 'silent',
  }).catch((err: unknown) => {
    throw new PackagingError('BundleFailed', `Bundling ${entry} failed: ${err instanceof Error ? err.message : String(err)}`, false);
  });
  const output = result.outputFiles.find((f) => f.path.endsWith('index.js'));
  if (!output) throw new PackagingError('BundleFailed', `esbuild produced no index.js for ${entry}.`, false);
  return Buffer.from(output.contents);
}
