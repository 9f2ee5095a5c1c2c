/**
 * The bundled front end (built by src/console/build-web.ts into dist/console/, shipped in the package):
 * read once and kept in memory; the HTML shell is written here so its CSP and asset names live in one place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LabError } from '../../lab/errors.js';

export const ASSET_FILES = ['app.js', 'app.css'] as const;

export interface Asset {
  body: Buffer;
  type: string;
}

/** The package root, found from this file both in src/ (tests, tsx) and in dist/src/ (the built CLI). */
function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new LabError('Could not find the xray-lab package folder to serve the console from.');
    dir = up;
  }
  return dir;
}

export function assetDir(): string {
  return join(packageRoot(), 'dist', 'console');
}

export function loadAssets(dir = assetDir()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of ASSET_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) throw new LabError(`The console's front end is not built (${path} is missing): run npm run build.`);
    assets.set(`/${name}`, { body: readFileSync(path), type: name.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8' });
  }
  assets.set('/', { body: Buffer.from(INDEX_HTML), type: 'text/html; charset=utf-8' });
  return assets;
}

/** Nothing inline, nothing from elsewhere: scripts, styles and data only from this server. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>xray-lab console</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body><div id="app"><p class="loading">Loading the console…</p></div></body>
</html>
`;
