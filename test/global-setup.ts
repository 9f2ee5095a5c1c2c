/**
 * The CLI tests run the built CLI (`node bin/xray-lab.js`), as users do: starting it is ~10× faster than
 * transpiling TypeScript on every call. So the build must be current — rebuild when any source is newer.
 */
import { ensureBuilt } from './support/build.js';

export default function buildOnce(): void {
  ensureBuilt(() => {}, false);
}
