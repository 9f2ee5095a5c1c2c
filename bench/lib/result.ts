/**
 * What every benchmark returns and writes to bench/results/<name>.json: machine facts, tables of
 * figures, and each target with the measured value and whether it is met.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the benchmark started. */
  loadAvgAtStart: number[];
}

export function machineFacts(): Machine {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 1048576),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export type Cell = string | number | null;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

export interface Target {
  what: string;
  /** Human form, e.g. "≤ 150 ms". */
  target: string;
  measured: number | null;
  unit: string;
  /** null when it could not be measured in this run (say why in a note). */
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  title: string;
  date: string;
  smoke: boolean;
  command: string;
  machine: Machine;
  durationS: number;
  tables: Table[];
  targets: Target[];
  notes: string[];
}

/** The part a benchmark fills in; run.ts adds the envelope (date, machine, command, duration). */
export type BenchBody = Pick<BenchResult, 'tables' | 'targets' | 'notes'>;

export interface BenchOptions {
  /** Tiny sizes: proves the benchmark still runs (npm test), measures nothing worth reading. */
  smoke: boolean;
  /** Progress lines go to stderr so stdout stays the tables. */
  log(line: string): void;
}

export interface Benchmark {
  name: string;
  title: string;
  run(opts: BenchOptions): Promise<BenchBody>;
}

export function target(what: string, targetText: string, measured: number | null, unit: string, met: (x: number) => boolean): Target {
  return { what, target: targetText, measured, unit, met: measured === null || !Number.isFinite(measured) ? null : met(measured) };
}

export function writeResult(result: BenchResult, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}${result.smoke ? '.smoke' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
