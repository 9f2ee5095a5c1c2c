/**
 * The state store: one JSON file per target+account+region, written atomically (temp file, fsync,
 * rename), mode 0600, guarded by a lock file. A resource is recorded the moment its create call
 * returns, so teardown never needs to guess.
 */
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabError, UserError } from './errors.js';
import { acquireLock, isProcessAlive, type Lock } from './lock.js';
import {
  STATE_SCHEMA_VERSION,
  type ResourceRecord,
  type StateDocument,
  type Target,
} from './state-types.js';

export function stateFileName(target: Target, accountId: string, region: string): string {
  return `${target}-${accountId}-${region}.json`;
}

function emptyDocument(target: Target, accountId: string, region: string, nowIso: string): StateDocument {
  return { schemaVersion: STATE_SCHEMA_VERSION, target, accountId, region, createdAt: nowIso, updatedAt: nowIso, resources: [], steps: {} };
}

/** Reads a state file without locking (rename-based writes make reads safe). Undefined when absent. */
export async function readStateFile(path: string, now: () => number = Date.now): Promise<StateDocument | undefined> {
  // Every command reads its state first: the one place to sweep what interrupted runs left.
  await removeInterruptedWrites(dirname(path));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let doc: StateDocument;
  try {
    doc = JSON.parse(text) as StateDocument;
    if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.resources)) throw new Error('not a state document');
  } catch {
    // Keep the evidence: move it aside, never delete it, and say where it went.
    const aside = `${path}.corrupt-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, aside);
    throw new UserError(
      `The state file ${path} is not valid JSON; it was moved aside to ${aside}`,
      'The next run starts with an empty state; resources listed in the old file must be checked by hand.',
    );
  }
  if (doc.schemaVersion !== STATE_SCHEMA_VERSION) {
    throw new UserError(
      `The state file ${path} has schema version ${String(doc.schemaVersion)}, but this xray-lab reads version ${STATE_SCHEMA_VERSION}`,
      'Use the xray-lab version that wrote it.',
    );
  }
  doc.steps ??= {};
  return doc;
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2)}`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  // Make the rename itself durable.
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await dir.close();
  }
}

/**
 * Files an interrupted run leaves in the state folder: `*.json.tmp-<pid>-…` (a write cut before its
 * rename) and the lock's `*.lock.draft-<pid>-…` (a lock record not yet linked into place). Each names its writer: removed when that
 * process is gone, so a run still writing keeps its file.
 */
const LEFTOVER = /\.(?:json\.tmp|lock\.draft)-(\d+)-[0-9a-f]*$/;

export async function removeInterruptedWrites(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = LEFTOVER.exec(name)?.[1];
    if (pid === undefined || isProcessAlive(Number(pid))) continue;
    await unlink(join(dir, name)).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

export interface OpenStateOptions {
  dir: string;
  target: Target;
  accountId: string;
  region: string;
  endpoint?: string;
  /** Shown to a second run that finds the lock. */
  command: string;
  now?: () => number;
}

export class StateStore {
  private closed = false;

  private constructor(
    readonly path: string,
    private doc: StateDocument,
    private readonly lock: Lock,
    private readonly now: () => number,
  ) {}

  static async open(o: OpenStateOptions): Promise<StateStore> {
    const now = o.now ?? Date.now;
    await mkdir(o.dir, { recursive: true, mode: 0o700 });
    const path = join(o.dir, stateFileName(o.target, o.accountId, o.region));
    const lock = await acquireLock(`${path}.lock`, o.command, now);
    try {
      const doc = (await readStateFile(path, now)) ?? emptyDocument(o.target, o.accountId, o.region, new Date(now()).toISOString());
      if (o.endpoint) doc.endpoint = o.endpoint;
      return new StateStore(path, doc, lock, now);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  get document(): Readonly<StateDocument> {
    return this.doc;
  }

  resources(): readonly ResourceRecord[] {
    return this.doc.resources;
  }

  find(step: string, type: string, id?: string): ResourceRecord | undefined {
    return this.doc.resources.find((r) => r.step === step && r.type === type && (id === undefined || r.id === id));
  }

  isStepDone(stepId: string): boolean {
    return stepId in this.doc.steps;
  }

  /** Adds or replaces (same step+type+id) a record and persists it before returning. */
  async record(rec: ResourceRecord): Promise<void> {
    const i = this.doc.resources.findIndex((r) => r.step === rec.step && r.type === rec.type && r.id === rec.id);
    if (i >= 0) this.doc.resources[i] = rec;
    else this.doc.resources.push(rec);
    await this.save();
  }

  async remove(rec: Pick<ResourceRecord, 'step' | 'type' | 'id'>): Promise<void> {
    this.doc.resources = this.doc.resources.filter((r) => !(r.step === rec.step && r.type === rec.type && r.id === rec.id));
    // A step is no longer done once any of its resources is gone.
    delete this.doc.steps[rec.step];
    await this.save();
  }

  async markStepDone(stepId: string, runId: string): Promise<void> {
    this.doc.steps[stepId] = { completedAt: new Date(this.now()).toISOString(), runId };
    await this.save();
  }

  async save(): Promise<void> {
    if (this.closed) throw new LabError('State store used after close.');
    this.doc.updatedAt = new Date(this.now()).toISOString();
    await writeFileAtomic(this.path, `${JSON.stringify(this.doc, null, 2)}\n`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lock.release();
  }
}
