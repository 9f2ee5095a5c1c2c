/**
 * The interactive terminal IO: colours (decided by terminal.ts), a spinner while a task runs, and real
 * questions when stdin is a terminal. The only module that imports chalk, ora and @inquirer/prompts.
 */
import { Chalk } from 'chalk';
import ora from 'ora';
import { confirm as askConfirm, select as askSelect } from '@inquirer/prompts';
import { colorLevel, isLiveTerminal } from './terminal.js';
import { answerWithoutTty, NonInteractiveIO, type ConfirmQuestion, type IO, type SelectQuestion, type Sink, type Task } from '../lab/io.js';

export interface TerminalOptions {
  json: boolean;
  /** Questions are asked only when stdin is a terminal too. */
  interactive: boolean;
  color: boolean;
}

export const processSink: Sink = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export class TerminalIO implements IO {
  private readonly c: InstanceType<typeof Chalk>;

  constructor(
    private readonly sink: Sink,
    private readonly o: TerminalOptions,
  ) {
    this.c = new Chalk({ level: o.color ? 1 : 0 });
  }

  notify(message: string): void {
    this.sink.err(`${this.c.bold.cyan('▸')} ${this.c.bold(message)}\n`);
  }
  info(message: string): void {
    this.sink.err(`  ${message}\n`);
  }
  warn(message: string): void {
    this.sink.err(`${this.c.yellow('!')} ${message}\n`);
  }
  task(text: string): Task {
    const spinner = ora({ text, stream: process.stderr, color: 'cyan', isEnabled: true, discardStdin: false }).start();
    if (!this.o.color) spinner.color = 'white';
    return {
      update: (t) => void (spinner.text = t),
      succeed: (t) => void spinner.succeed(t ?? text),
      fail: (t) => void spinner.fail(t ?? text),
    };
  }
  async confirm(q: ConfirmQuestion): Promise<boolean> {
    if (!this.o.interactive) return answerWithoutTty(q);
    return askConfirm({ message: q.message, default: q.unsafeDefault ? false : q.default }, { output: process.stderr });
  }
  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    if (!this.o.interactive) return q.default;
    return askSelect<T>({ message: q.message, choices: q.choices, default: q.default }, { output: process.stderr });
  }
  result(data: unknown, human: string): void {
    this.sink.out(this.o.json ? `${JSON.stringify(data, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`);
  }
}

/** Terminal IO on a TTY, plain non-interactive IO otherwise (pipes, CI). */
export function createIO(json: boolean, env: NodeJS.ProcessEnv = process.env): IO {
  if (!isLiveTerminal(process.stderr, env)) return new NonInteractiveIO(processSink, json);
  return new TerminalIO(processSink, {
    json,
    interactive: Boolean(process.stdin.isTTY),
    color: colorLevel(process.stderr, env) > 0,
  });
}
