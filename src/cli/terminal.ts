/**
 * The one place that decides whether output gets colour and whether a stream is a live terminal
 * (spinners, redrawn bars, questions). Every command asks here instead of reading TTY flags or
 * NO_COLOR itself.
 *
 * Colour starts from chalk's own detection (FORCE_COLOR, --color/--no-color, CI providers, TERM, TTY) for
 * the process's real streams. chalk 5 does not read NO_COLOR, so https://no-color.org is applied on top;
 * FORCE_COLOR wins over NO_COLOR, as in Node's own tty.getColorDepth.
 */
import { supportsColor, supportsColorStderr } from 'chalk';

export type ColorLevel = 0 | 1 | 2 | 3;

type Env = NodeJS.ProcessEnv;
type Stream = Pick<NodeJS.WriteStream, 'isTTY'>;

/** FORCE_COLOR as chalk reads it: '' or 'true' → 1, 'false' → 0, a number → that level (at most 3). */
function forcedLevel(env: Env): ColorLevel | undefined {
  const raw = env.FORCE_COLOR;
  if (raw === undefined) return undefined;
  if (raw === '' || raw === 'true') return 1;
  if (raw === 'false') return 0;
  const n = Number.parseInt(raw, 10);
  return Number.isNaN(n) ? undefined : (Math.max(0, Math.min(n, 3)) as ColorLevel);
}

/** The colour level for text written to `stream`. */
export function colorLevel(stream: Stream = process.stdout, env: Env = process.env): ColorLevel {
  const forced = forcedLevel(env);
  if (forced !== undefined) return forced;
  if ('NO_COLOR' in env && env.NO_COLOR !== '') return 0;
  if (!stream.isTTY) return 0;
  // chalk measured the real streams when it loaded, with the real environment.
  const detected = stream === process.stdout ? supportsColor : stream === process.stderr ? supportsColorStderr : undefined;
  if (detected !== undefined && env === process.env) return detected ? (detected.level as ColorLevel) : 0;
  // Another stream (a test's pseudo-terminal) or an injected environment: chalk's basic rules.
  return env.TERM === 'dumb' || 'CI' in env ? 0 : 1;
}

/** A terminal a person watches: redraw in place and spin there. CI sets CI even inside a pseudo-terminal. */
export function isLiveTerminal(stream: Stream = process.stderr, env: Env = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI;
}

/** Questions need a keyboard and a screen on all three streams. */
export function canAsk(env: Env = process.env): boolean {
  return Boolean(process.stdin.isTTY) && isLiveTerminal(process.stdout, env) && isLiveTerminal(process.stderr, env);
}
