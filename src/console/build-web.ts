/**
 * Bundles the console's front end (src/console/web) with esbuild into dist/console/app.js and app.css,
 * which the package ships and the console server serves: no CDN, so it works offline. Run by
 * `npm run build` (after tsc) and by the test suite's global set-up.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** dist/src/console/build-web.js or src/console/build-web.ts → the package root. */
const ROOT = resolve(import.meta.dirname, import.meta.dirname.includes(`${join('dist', 'src')}`) ? '../../..' : '../..');
export const WEB_ENTRY = join(ROOT, 'src', 'console', 'web', 'main.ts');
export const WEB_OUT = join(ROOT, 'dist', 'console');

export async function buildConsoleWeb(outDir = WEB_OUT): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  await build({
    // main.ts imports style.css, so esbuild writes app.css next to app.js.
    entryPoints: { app: WEB_ENTRY },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) await buildConsoleWeb();
