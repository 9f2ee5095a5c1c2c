/**
 * Packaging of the `user-service` function: bundle (esbuild) → deterministic zip (archiver), cached per
 * process by a hash of the handler sources. (Safe extraction of uploads lives with the local Lambda: src/local/core/safe-zip.ts.)
 */
import { createHash } from 'node:crypto';
import { bundleHandler, defaultHandlerDir, handlerSourceHash, type Instrumentation } from './packaging/bundle.js';
import { resolveRuntime } from './packaging/runtimes.js';
import { createDeterministicZip } from './packaging/zip.js';

export { PackagingError, UnsupportedRuntimeError } from './packaging/errors.js';
export { DEFAULT_RUNTIME, NODE_RUNTIMES, type NodeRuntime, resolveRuntime } from './packaging/runtimes.js';
export { createDeterministicZip, FIXED_ZIP_DATE, type ZipEntry } from './packaging/zip.js';
export { DEFAULT_INSTRUMENTATION, defaultHandlerDir, type Instrumentation, INSTRUMENTATIONS } from './packaging/bundle.js';

export interface BuildHandlerZipOptions {
  /** Directory holding the handler's `index.ts`; defaults to the package's handler of `instrumentation`. */
  handlerDir?: string;
  /** Which instrumentation of `user-service` to package (default xray-sdk); ignored when handlerDir is given. */
  instrumentation?: Instrumentation;
  /** Lambda runtime id; validated against the supported Node runtimes. */
  runtime?: string;
  /** Skip the in-process cache (tests that prove the build itself is reproducible). */
  cache?: boolean;
  /** The day the runtime's lifecycle is judged on (the lab context's clock); default now. */
  nowMs?: number;
}

export interface HandlerZip {
  zip: Buffer;
  /** base64 SHA-256 of the zip, the form Lambda reports as `CodeSha256`. */
  sha256: string;
  size: number;
  handler: 'index.handler';
  runtime: string;
  /** Present when the runtime is allowed but deprecated. */
  warning?: string;
}

const cache = new Map<string, Promise<HandlerZip>>();

export async function buildHandlerZip(options: BuildHandlerZipOptions = {}): Promise<HandlerZip> {
  const choice = resolveRuntime(options.runtime, options.nowMs);
  const handlerDir = options.handlerDir ?? defaultHandlerDir(undefined, options.instrumentation);
  const key = `${handlerDir}\0${choice.runtime}\0${await handlerSourceHash(handlerDir, choice.target)}`;
  // The warning depends on the day, the zip does not: only the zip is cached.
  const withWarning = (z: Promise<HandlerZip>) => (choice.warning ? z.then((zip) => ({ ...zip, warning: choice.warning })) : z);
  if (options.cache !== false) {
    const hit = cache.get(key);
    if (hit) return withWarning(hit);
  }

  const pending = (async (): Promise<HandlerZip> => {
    const code = await bundleHandler(handlerDir, choice.target);
    const zip = await createDeterministicZip([{ name: 'index.js', data: code }]);
    return {
      zip,
      sha256: createHash('sha256').update(zip).digest('base64'),
      size: zip.length,
      handler: 'index.handler',
      runtime: choice.runtime,
    };
  })();
  if (options.cache !== false) {
    cache.set(key, pending);
    // A failed build must not poison later attempts.
    pending.catch(() => cache.delete(key));
  }
  return withWarning(pending);
}
