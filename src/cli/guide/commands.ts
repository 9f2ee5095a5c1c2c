/**
 * AWS CLI commands the guide shows, as data: an argv plus an optional shell variable to capture the
 * output into. Rendering adds `--region` (so a copied command never depends on the learner's config)
 * and, for the local target, `--endpoint-url`. Quoting is POSIX-shell, so what is shown is what runs.
 */
import type { Target } from '../../lab/state-types.js';

export interface AwsCommand {
  /** Arguments after `aws`, e.g. ['dynamodb', 'describe-table', '--table-name', 'UserProfiles']. */
  args: string[];
  /** `NAME=$(aws …)`: the command's output is kept in a shell variable for later commands. */
  assignTo?: string;
  /** Shell text run after the command succeeds, e.g. `cat` of the file it wrote. */
  andThen?: string;
}

/**
 * A line that is not one `aws` call (a curl, a loop, a variable holding a time): shown exactly as
 * written, so the lesson that builds it quotes it itself.
 */
export interface ShellLine {
  shell: string;
}

export type GuideCommand = AwsCommand | ShellLine;

/** `xray-lab console` for the walkthrough's target: the X-Ray console's views of what the learner just made. */
export function consoleCommand(target: Target): ShellLine {
  return { shell: target === 'aws' ? 'xray-lab console --target aws' : 'xray-lab console' };
}

export function isShellLine(cmd: GuideCommand): cmd is ShellLine {
  return 'shell' in cmd;
}

export interface CommandTarget {
  target: Target;
  region: string;
  /** The local cloud's URL; ignored for the aws target. */
  endpoint?: string;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A word whose only expansions are our own `$NAME` variables: double quotes keep them expandable. */
const ONLY_OUR_VARS = /^(?:[^"\\`!$]|\$[A-Z_]+)*$/;

/** Quotes one word for a POSIX shell; `$VAR` references (our own variables) stay expandable. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  if (/^"\$[A-Z_]+"$/.test(word) || /^\$[A-Z_]+$/.test(word)) return word;
  if (word.includes('$') && ONLY_OUR_VARS.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The full argv, with the target's region and endpoint options appended. */
export function commandArgv(cmd: AwsCommand, t: CommandTarget): string[] {
  const extra = ['--region', t.region];
  if (t.target === 'local') {
    if (!t.endpoint) throw new Error('a local-target command needs the local cloud endpoint');
    extra.push('--endpoint-url', t.endpoint);
  }
  return ['aws', ...cmd.args, ...extra];
}

/** Groups `--flag value` pairs so a long command breaks between options, never inside one. */
function groups(argv: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  // The leading words (aws, service, operation) stay together.
  const head: string[] = [];
  while (i < argv.length && !argv[i].startsWith('--')) head.push(shellQuote(argv[i++]));
  out.push(head.join(' '));
  while (i < argv.length) {
    const part = [shellQuote(argv[i++])];
    while (i < argv.length && !argv[i].startsWith('--')) part.push(shellQuote(argv[i++]));
    out.push(part.join(' '));
  }
  return out;
}

/**
 * Shell text for one command: one line when it fits `width`, else one option per line joined with
 * ` \` continuations (still one command when pasted).
 */
export function renderCommand(cmd: GuideCommand, t: CommandTarget, width = 100): string[] {
  if (isShellLine(cmd)) return cmd.shell.split('\n');
  const parts = groups(commandArgv(cmd, t));
  const open = cmd.assignTo ? `${cmd.assignTo}=$(` : '';
  const close = (cmd.assignTo ? ')' : '') + (cmd.andThen ? ` && ${cmd.andThen}` : '');
  const oneLine = `${open}${parts.join(' ')}${close}`;
  if (oneLine.length <= width) return [oneLine];
  const lines = parts.map((p, i) => (i === 0 ? `${open}${p}` : `    ${p}`));
  lines[lines.length - 1] += close;
  return lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l));
}
