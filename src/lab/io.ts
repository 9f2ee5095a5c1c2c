/**
 * How steps and commands talk to the learner. Steps only see this interface; the terminal
 * implementation (src/cli/io-terminal.ts) is the only code that touches chalk, ora or prompts.
 */
import { UserError } from './errors.js';

export interface Task {
  /** Progress text while the task runs (a spinner on a TTY, nothing otherwise). */
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
}

export interface ConfirmQuestion {
  message: string;
  /** The answer taken without a TTY. */
  default: boolean;
  /** True when `default` would do something unsafe (create billable resources, delete): then, without a TTY, the flag is required. */
  unsafeDefault?: boolean;
  /** The flag that answers the question, e.g. `--yes`. */
  flag: string;
}

export interface SelectQuestion<T extends string> {
  message: string;
  choices: { value: T; name: string }[];
  default: T;
  flag: string;
}

export interface IO {
  /** A headline for what is about to happen. */
  notify(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  task(text: string): Task;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  select<T extends string>(q: SelectQuestion<T>): Promise<T>;
  /** The command's result: a JSON document with --json, or human text; always to stdout. */
  result(data: unknown, human: string): void;
}

/** Answers every question with its safe default; refuses questions whose default is unsafe. */
export function answerWithoutTty(q: ConfirmQuestion): boolean {
  if (q.unsafeDefault) {
    throw new UserError(`${q.message.replace(/\?$/, '')}: no terminal to ask, so pass ${q.flag} to confirm.`);
  }
  return q.default;
}

export interface Sink {
  out(text: string): void;
  err(text: string): void;
}

/** Plain text IO for pipes and CI: messages to stderr, the result to stdout, no questions asked. */
export class NonInteractiveIO implements IO {
  constructor(
    private readonly sink: Sink,
    private readonly json: boolean,
  ) {}

  notify(message: string): void {
    this.sink.err(`${message}\n`);
  }
  info(message: string): void {
    this.sink.err(`${message}\n`);
  }
  warn(message: string): void {
    this.sink.err(`warning: ${message}\n`);
  }
  task(text: string): Task {
    return {
      update: () => undefined,
      succeed: (t) => this.sink.err(`ok: ${t ?? text}\n`),
      fail: (t) => this.sink.err(`failed: ${t ?? text}\n`),
    };
  }
  async confirm(q: ConfirmQuestion): Promise<boolean> {
    return answerWithoutTty(q);
  }
  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    return q.default;
  }
  result(data: unknown, human: string): void {
    this.sink.out(this.json ? `${JSON.stringify(data, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`);
  }
}

/** Remembers everything for assertions; answers questions from a queue, else like NonInteractiveIO. */
export class RecordingIO implements IO {
  readonly events: { kind: string; text: string }[] = [];
  readonly results: unknown[] = [];
  constructor(private readonly answers: unknown[] = []) {}

  notify(message: string): void {
    this.events.push({ kind: 'notify', text: message });
  }
  info(message: string): void {
    this.events.push({ kind: 'info', text: message });
  }
  warn(message: string): void {
    this.events.push({ kind: 'warn', text: message });
  }
  task(text: string): Task {
    this.events.push({ kind: 'task', text });
    return {
      update: (t) => this.events.push({ kind: 'task-update', text: t }),
      succeed: (t) => this.events.push({ kind: 'task-ok', text: t ?? text }),
      fail: (t) => this.events.push({ kind: 'task-fail', text: t ?? text }),
    };
  }
  async confirm(q: ConfirmQuestion): Promise<boolean> {
    this.events.push({ kind: 'confirm', text: q.message });
    return this.answers.length > 0 ? Boolean(this.answers.shift()) : answerWithoutTty(q);
  }
  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    this.events.push({ kind: 'select', text: q.message });
    return this.answers.length > 0 ? (this.answers.shift() as T) : q.default;
  }
  result(data: unknown, human: string): void {
    this.results.push(data);
    this.events.push({ kind: 'result', text: human });
  }
  text(): string {
    return this.events.map((e) => e.text).join('\n');
  }
}
