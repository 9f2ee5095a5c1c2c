/** Test harness for the Lambda engine: real clock, real child processes, handlers written to temp dirs. */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IdGenerator } from '../../../src/local/core/types.js';
import { LambdaEngine } from '../../../src/local/lambda/engine.js';
import type { FunctionSpec, LambdaEngineOptions, LogEvent } from '../../../src/local/lambda/types.js';

export const ids: IdGenerator = {
  hex: (n) => randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n),
  alnum: (n) => randomBytes(n).toString('base64').replace(/[^a-zA-Z0-9]/g, 'a').slice(0, n).padEnd(n, 'a'),
  uuid: () => randomUUID(),
};

const dirs: string[] = [];

/** Writes `files` into a fresh temp dir and describes a function running them. */
export function fn(files: Record<string, string>, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-engine-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const name = overrides.name ?? `fn-${ids.hex(6)}`;
  return {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: dir,
    handler: 'index.handler',
    runtime: 'nodejs20.x',
    timeoutS: 3,
    memoryMb: 128,
    env: {},
    tracingMode: 'PassThrough',
    codeSha256: ids.hex(16),
    ...overrides,
  };
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Harness {
  engine: LambdaEngine;
  segments: string[];
  logs: { group: string; stream: string; events: LogEvent[] }[];
}

export function harness(opts: Partial<LambdaEngineOptions> = {}): Harness {
  const segments: string[] = [];
  const logs: Harness['logs'] = [];
  const engine = new LambdaEngine({
    region: 'us-east-1',
    accountId: '000000000000',
    endpoint: 'http://127.0.0.1:4566',
    daemonAddress: '127.0.0.1:2000',
    clock: { now: () => Date.now() },
    ids,
    onSegments: (docs) => segments.push(...docs),
    onLogEvents: (group, stream, events) => logs.push({ group, stream, events }),
    ...opts,
  });
  return { engine, segments, logs };
}

/** Sleeps, and reports when it started and ended in its own process, so overlap is checked without timing limits. */
export const SLEEPER = `exports.handler = async (e) => {
  const start = Date.now();
  console.log('ran ' + e.i);
  await new Promise((r) => setTimeout(r, e.ms ?? 200));
  return { i: e.i, pid: process.pid, start, end: Date.now() };
};`;

export interface Ran { i: number; pid: number; start: number; end: number }

export const json = (b: Buffer): unknown => JSON.parse(b.toString('utf8'));
export const payload = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
