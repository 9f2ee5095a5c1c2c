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

const ENTRY_FILE = 'index.ts';

/** How `user-service` is traced: the X-Ray SDK (the guide's path) or OpenTelemetry (AWS's recommendation). */
export type Instrumentation = 'xray-sdk' | 'otel';
export const INSTRUMENTATIONS: readonly Instrumentation[] = ['xray-sdk', 'otel'];
export const DEFAULT_INSTRUMENTATION: Instrumentation = 'xray-sdk';
/** The OTel handler imports the business code of the X-Ray one, so both folders feed its bundle. */
const HANDLER_SUBDIRS: Record<Instrumentation, string> = {
  'xray-sdk': join('handlers', 'user-service'),
  otel: join('handlers', 'user-service-otel'),
};
const SHARED_SUBDIR = 'user-service';

/**
 * The package root is the nearest ancestor holding `handlers/user-service/index.ts`; walking up works the
 * same from `src/lab/packaging/` (tsx, vitest) and `dist/src/lab/packaging/` (compiled, or installed).
 */
export function defaultHandlerDir(from: string = dirname(fileURLToPath(import.meta.url)), instrumentation: Instrumentation = DEFAULT_INSTRUMENTATION): string {
  const HANDLER_SUBDIR = HANDLER_SUBDIRS[instrumentation];
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, HANDLER_SUBDIR);
    if (existsSync(join(candidate, ENTRY_FILE))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new PackagingError('HandlerNotFound', `Cannot find ${join(HANDLER_SUBDIR, ENTRY_FILE)} above ${from}.`, false);
}

/**
 * Hash of every file under the handler directory (names and bytes, in a stable order) plus the target,
 * and of the sibling `user-service` folder whose business code the OTel handler imports.
 */
export async function handlerSourceHash(handlerDir: string, target: string): Promise<string> {
  const hash = createHash('sha256').update(`target=${target}\0`);
  const shared = join(dirname(handlerDir), SHARED_SUBDIR);
  const walk = async (dir: string, root = handlerDir): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, root);
      else if (entry.isFile()) hash.update(`${relative(root, path)}\0`).update(await readFile(path)).update('\0');
    }
  };
  await walk(handlerDir);
  if (shared !== handlerDir && existsSync(join(shared, ENTRY_FILE))) {
    hash.update('shared\0');
    await walk(shared, shared);
  }
  return hash.digest('hex');
}

export async function bundleHandler(handlerDir: string, target: string): Promise<Buffer> {
  const entry = resolve(handlerDir, ENTRY_FILE);
  if (!existsSync(entry)) {
    throw new PackagingError('HandlerNotFound', `Handler entry ${entry} does not exist.`, false);
  }
  const result = await build({
    entryPoints: [entry],
    // Paths esbuild records are relative to this (the handlers folder, which the OTel handler's shared
    // imports stay inside), so the output does not depend on where the repo lives.
    absWorkingDir: dirname(dirname(entry)),
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
