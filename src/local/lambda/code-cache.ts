/**
 * V8 code caches of deployed handler code. When code is deployed, a child process (prepare-code.mjs)
 * compiles the handler module without running it and writes V8's code cache next to the extracted
 * package (`<codeDir>.v8cache`, outside the code the function sees). Every cold start of that code then
 * skips most of the compile. The cache is only an optimisation: a missing, stale or rejected cache makes
 * the runtime compile normally (handler-module.mjs checks it was made for the very same source).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { locateHandler } from './handler-module.mjs';

const PREPARE_SCRIPT = fileURLToPath(new URL('./prepare-code.mjs', import.meta.url));
/** A preparation that takes longer is abandoned: the function then just starts without a cache. */
const PREPARE_LIMIT_MS = 10_000;
/** Below this a handler compiles in a few milliseconds: cheaper than a preparing process to wait for. */
const MIN_CACHED_BYTES = 64 * 1024;
/** A nice value: preparation yields the CPU to function processes. */
const BACKGROUND_PRIORITY = 10;

/** Size of the module file the runtime will load for this handler setting, if it may be CommonJS (0 otherwise). */
function handlerFileSize(codeDir: string, handler: string): number {
  const { file } = locateHandler(handler, codeDir);
  if (!file || file.endsWith('.mjs')) return 0;
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

export function codeCachePath(codeDir: string): string {
  return `${codeDir}.v8cache`;
}

export class CodePreparer {
  private readonly inFlight = new Map<string, { done: Promise<void>; child: ChildProcess }>();

  constructor(
    private readonly nodePath: string,
    /** The basics a Node process needs (PATH, TMPDIR): none of the cloud's own variables. */
    private readonly env: Record<string, string>,
  ) {}

  /** Starts (or restarts) preparing the cache of `codeDir`; resolves when done, never rejects. */
  prepare(codeDir: string, handler: string): Promise<void> {
    this.inFlight.get(codeDir)?.child.kill('SIGKILL');
    if (handlerFileSize(codeDir, handler) < MIN_CACHED_BYTES) return Promise.resolve();
    const child = spawn(this.nodePath, [PREPARE_SCRIPT, codeDir, handler, codeCachePath(codeDir)], {
      cwd: codeDir, env: this.env, stdio: 'ignore',
    });
    // Background work: a function starting meanwhile (often another one just deployed) goes first.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, BACKGROUND_PRIORITY);
      } catch {
        // Not permitted on this system: it runs at normal priority.
      }
    }
    const limit = setTimeout(() => child.kill('SIGKILL'), PREPARE_LIMIT_MS);
    limit.unref();
    const done = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    }).finally(() => {
      clearTimeout(limit);
      if (this.inFlight.get(codeDir)?.child === child) this.inFlight.delete(codeDir);
    });
    this.inFlight.set(codeDir, { done, child });
    return done;
  }

  /**
   * Resolves once no preparation of `codeDir` is running. A cold start waits for it, as Lambda
   * finishes preparing code before it runs a function.
   */
  async ready(codeDir: string): Promise<void> {
    await this.inFlight.get(codeDir)?.done;
  }

  /** Stops every preparation still running. */
  async close(): Promise<void> {
    const running = [...this.inFlight.values()];
    for (const p of running) p.child.kill('SIGKILL');
    await Promise.all(running.map((p) => p.done));
  }
}
