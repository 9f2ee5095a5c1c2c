/* global process, console, Buffer, setImmediate */
// Runtime client run by every local function process (plain JavaScript so it starts with bare `node`
// from src/ and dist/ alike). It mirrors the Node managed runtime: load the handler once (init),
// then loop on the Runtime API's `next`, call the handler, post its result or error.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { DONE_MARK } from './done-mark.mjs';
import { loadCommonJs, locateHandler, readCommonJsCandidate } from './handler-module.mjs';

const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001').split(':');
// Two connections: the result post and the following `next` long poll are in flight together.
const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });

let currentRequestId;

// stdout is the log: route stderr into it too, and format console calls like the Node runtime.
// Newlines inside a message become \r so one console call stays one log event (as the runtime does).
const out = process.stdout;
process.stderr.write = out.write.bind(out);
const emit = (level) => (...args) => {
  const message = format(...args).replace(/\n/g, '\r');
  out.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}\n`);
};
console.log = emit('INFO');
console.info = emit('INFO');
console.warn = emit('WARN');
console.error = emit('ERROR');
console.debug = emit('DEBUG');
console.trace = emit('TRACE');

function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: Number(apiPort), method, path: `/2018-06-01/runtime/${path}`, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function errorBody(err) {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? '').split('\n') };
  }
  if (typeof err === 'string') return { errorType: 'string', errorMessage: err, trace: [] };
  let message;
  try { message = JSON.stringify(err); } catch { message = String(err); }
  return { errorType: typeof err, errorMessage: message, trace: [] };
}

/** `--code-cache <file>`: V8 code cache prepared for this code when it was deployed (may be absent). */
function codeCachePath() {
  const i = process.argv.indexOf('--code-cache');
  return i > 0 ? process.argv[i + 1] : undefined;
}

function namedError(errorType, message, cause) {
  const e = new Error(message);
  e.name = errorType;
  if (cause?.stack) e.stack = `${errorType}: ${message}\n${cause.stack}`;
  return e;
}

async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const { malformed, modulePath, file, exportPath } = locateHandler(spec, root);
  if (malformed) throw namedError('Runtime.MalformedHandlerName', `Bad handler ${spec}`);
  if (!file) throw namedError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  let ns;
  try {
    const cjs = readCommonJsCandidate(file);
    const loaded = cjs ? loadCommonJs(cjs, codeCachePath()) : null;
    ns = loaded ? loaded.exports : await import(pathToFileURL(file).href);
  } catch (err) {
    if (err instanceof SyntaxError) throw namedError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`, err);
    if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') {
      throw namedError('Runtime.ImportModuleError', `Error: ${err.message}`, err);
    }
    throw err;
  }
  // Our CommonJS path gives module.exports; import() gives a namespace (CommonJS under `default`).
  const walk = (obj) => exportPath.reduce((o, k) => (o == null ? undefined : o[k]), obj);
  const fn = walk(ns) ?? walk(ns?.default);
  if (typeof fn !== 'function') throw namedError('Runtime.HandlerNotFound', `${spec} is undefined or not exported`);
  return fn;
}

// Async handlers resolve; callback handlers call back; a plain function with fewer than three
// parameters that returns a value is taken at its word (the runtime would wait for an empty loop).
function runHandler(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, value) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err);
      else resolve(value);
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (err) => callback(err ?? 'handled');
    let ret;
    try {
      ret = fn(event, context, callback);
    } catch (err) {
      settled = true;
      reject(err);
      return;
    }
    if (ret && typeof ret.then === 'function') ret.then((v) => callback(null, v), (e) => callback(e ?? 'Error'));
    else if (fn.length < 3) callback(null, ret);
  });
}

function contextFor(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  const cc = headers['lambda-runtime-client-context'];
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: cc ? JSON.parse(cc) : undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

// Peak RSS so far (getrusage: one system call) is what REPORT's "Max Memory Used" means.
function markDone(requestId) {
  out.write(`${DONE_MARK}${requestId}:${process.resourceUsage().maxRSS * 1024}\n`);
}

async function postError(path, errorType, body) {
  await call('POST', path, JSON.stringify(body), {
    'content-type': 'application/json',
    'lambda-runtime-function-error-type': errorType,
  });
}

// An error escaping the handler's promise chain ends the sandbox, after reporting it for the invocation.
async function fatal(err, errorType) {
  const body = errorBody(err);
  console.error(errorType === 'Runtime.UnhandledPromiseRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception', JSON.stringify({ ...body, errorType }));
  const id = currentRequestId;
  try {
    if (id) {
      markDone(id);
      await postError(`invocation/${id}/error`, errorType, { ...body, errorType });
    }
  } finally {
    process.exit(129);
  }
}
process.on('uncaughtException', (err) => void fatal(err, err?.name ?? 'Error'));
process.on('unhandledRejection', (reason) => void fatal(reason, 'Runtime.UnhandledPromiseRejection'));

async function main() {
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const body = errorBody(err);
    console.error('Uncaught Exception', JSON.stringify(body));
    await postError('init/error', body.errorType, body);
    process.exit(129);
  }
  markDone('');
  for (;;) {
    const next = await call('GET', 'invocation/next');
    const requestId = String(next.headers['lambda-runtime-aws-request-id']);
    const trace = next.headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = String(trace);
    else delete process.env._X_AMZN_TRACE_ID;
    currentRequestId = requestId;
    let posted;
    try {
      const event = next.body.length ? JSON.parse(next.body.toString('utf8')) : {};
      const result = await runHandler(handler, event, contextFor(next.headers));
      const json = JSON.stringify(result === undefined ? null : result);
      posted = call('POST', `invocation/${requestId}/response`, json, { 'content-type': 'application/json' });
    } catch (err) {
      const body = errorBody(err);
      console.error('Invoke Error', JSON.stringify(body));
      posted = postError(`invocation/${requestId}/error`, body.errorType, body);
    }
    // The result goes out first (the caller waits for it); the done mark, a blocking pipe write, follows
    // on the next turn — it only has to come after the invocation's own output. The next `next` goes out
    // at once on the agent's second connection rather than after the post's 202: one wake-up less per
    // invocation. A post that fails means the Runtime API is gone, and so is the point of running.
    setImmediate(markDone, requestId);
    posted.catch(() => process.exit(1));
    currentRequestId = undefined;
  }
}

void main();
