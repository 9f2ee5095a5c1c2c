/* global process, Buffer */
// Finding and loading a function's handler module, shared by the runtime client (bootstrap.mjs) and the
// code-cache preparer (prepare-code.mjs). Plain JavaScript for the same reason as the bootstrap.
//
// A CommonJS handler is compiled here rather than through import(): import() of a CommonJS file first
// parses it to detect its format and then runs the named-exports lexer over it, which for a bundled
// handler costs as much as compiling it. Compiling it ourselves also lets a V8 code cache, prepared
// when the code was deployed, skip most of the compile. Anything that is not plainly CommonJS goes to
// import(), so Node's own rules (format detection, ESM, error wording) still decide those cases.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];
// import() inside a vm-compiled function needs the main-context loader, experimental (and warning) in Node 20.
const DYNAMIC_IMPORT = /\bimport\s*\(/;
const CACHE_MAGIC = 'xraylab-code-cache-1\n';

/** `dir/file.export.path` → the module file under root (first of .js, .mjs, .cjs) and the export path. */
export function locateHandler(spec, root) {
  const slash = spec.lastIndexOf('/');
  const tail = spec.slice(slash + 1);
  const dot = tail.indexOf('.');
  if (dot <= 0 || dot === tail.length - 1) return { malformed: true };
  const modulePath = spec.slice(0, slash + 1) + tail.slice(0, dot);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => join(root, modulePath + ext)).find((f) => existsSync(f));
  return { malformed: false, modulePath, file, exportPath: tail.slice(dot + 1).split('.') };
}

/** Node's package scope: the nearest package.json's `type` ('none' without one; undefined if unreadable). */
function packageType(file) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        return JSON.parse(readFileSync(pj, 'utf8')).type ?? 'commonjs';
      } catch {
        return undefined;
      }
    }
    if (basename(dir) === 'node_modules' || dirname(dir) === dir) return 'none';
  }
}

/** The file's source when Node would load it as CommonJS and we can compile it alike; otherwise null. */
export function readCommonJsCandidate(file) {
  if (file.endsWith('.mjs')) return null;
  if (file.endsWith('.js')) {
    const type = packageType(file);
    if (type === 'module' || type === undefined) return null;
  }
  let source = readFileSync(file, 'utf8');
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  if (DYNAMIC_IMPORT.test(source)) return null;
  return { file, source };
}

function compile(file, source, extra) {
  return vm.compileFunction(source, PARAMS, {
    filename: file,
    // Only reached by an import() the pattern above missed (e.g. a comment between import and the parenthesis).
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...extra,
  });
}

// node:crypto only when there is a cache to check: loading it costs a function without one a few ms.
const requireHere = createRequire(import.meta.url);
const sourceHash = (source) => requireHere('node:crypto').createHash('sha256').update(source).digest('hex');

/** The cached data, if the cache file was made for exactly this source; V8 itself only checks the length. */
function readCodeCache(cachePath, source) {
  if (!cachePath || !existsSync(cachePath)) return undefined;
  try {
    const data = readFileSync(cachePath);
    const headerEnd = data.indexOf(10, CACHE_MAGIC.length);
    if (data.subarray(0, CACHE_MAGIC.length).toString('latin1') !== CACHE_MAGIC || headerEnd < 0) return undefined;
    if (data.subarray(CACHE_MAGIC.length, headerEnd).toString('latin1') !== sourceHash(source)) return undefined;
    return data.subarray(headerEnd + 1);
  } catch {
    return undefined;
  }
}

/**
 * Compiles and runs a CommonJS candidate like Node's loader (same wrapper parameters, `this`, module
 * registry entry). Returns `{ exports, codeCache: 'none' | 'accepted' | 'rejected' }`, or null when it does not compile as CommonJS (then import()
 * decides: it may be ESM syntax in a .js file without a package type). A rejected cache only costs a
 * normal compile.
 */
export function loadCommonJs({ file, source }, cachePath) {
  const cachedData = readCodeCache(cachePath, source);
  let fn;
  try {
    fn = compile(file, source, { cachedData });
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  const mod = new Module(file, undefined);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  Module._cache[file] = mod;
  try {
    fn.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  } catch (err) {
    delete Module._cache[file];
    throw err;
  }
  mod.loaded = true;
  return { exports: mod.exports, codeCache: !cachedData ? 'none' : fn.cachedDataRejected ? 'rejected' : 'accepted' };
}

/**
 * Compiles (never runs) the handler module and writes V8's code cache for it to `cachePath`, atomically.
 * Returns false when there is nothing to cache (not CommonJS, or it does not compile).
 */
export function writeCodeCache(spec, root, cachePath) {
  const { file } = locateHandler(spec, root);
  const candidate = file ? readCommonJsCandidate(file) : null;
  if (!candidate) return false;
  let fn;
  try {
    fn = compile(candidate.file, candidate.source, { produceCachedData: true });
  } catch {
    return false;
  }
  if (!fn.cachedData) return false;
  const tmp = `${cachePath}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(`${CACHE_MAGIC}${sourceHash(candidate.source)}\n`, 'latin1'), fn.cachedData]), { mode: 0o600 });
  renameSync(tmp, cachePath);
  return true;
}
