// The one definition of the marker the runtime client (bootstrap.mjs) writes on stdout after the init
// phase (empty id) and after each invocation's output, and the engine (process.ts) reads to attribute
// every line to its phase. Plain JavaScript so function processes load it with bare `node`.
export const DONE_MARK = '\u0000xraylab:done:';
