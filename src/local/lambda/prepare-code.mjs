/* global process */
// `node prepare-code.mjs <codeDir> <handler> <cacheFile>`: writes the V8 code cache of a function's
// handler module, run by the engine when code is deployed (as Lambda prepares code before a function
// is Active). A process of its own, started like a function process, so the cache matches the V8 flags
// the function will run with; it compiles the code but never runs it.
import { writeCodeCache } from './handler-module.mjs';

const [codeDir, handler, cacheFile] = process.argv.slice(2);
if (!codeDir || !handler || !cacheFile) {
  process.stderr.write('usage: prepare-code.mjs <codeDir> <handler> <cacheFile>\n');
  process.exit(2);
}
writeCodeCache(handler, codeDir, cacheFile);
