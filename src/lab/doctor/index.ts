/**
 * `doctor`: checks in dependency order — environment, identity, permissions, then the lab's resources
 * and the guide's common failures. A failed identity skips what needs it rather than piling up errors.
 */
import type { Clients } from '../clients.js';
import type { LabConfig } from '../config.js';
import { UserError } from '../errors.js';
import type { StateDocument } from '../state-types.js';
import { endpointCheck, identityCheck, nodeCheck, regionCheck } from './environment.js';
import { labChecks } from './lab-resources.js';
import { permissionChecks } from './permissions.js';
import { check, type Check } from './types.js';

export { check, type Check, type CheckStatus } from './types.js';

export interface DoctorInput {
  config: LabConfig;
  clients?: Clients;
  env: NodeJS.ProcessEnv;
  nodeVersion: string;
  signal: AbortSignal;
  now: number;
  /** Checks the caller made first (e.g. is the local cloud running); a fail there stops the AWS calls. */
  before?: Check[];
  /** Reads the state for the account STS names. */
  readState?: (accountId: string) => Promise<StateDocument | undefined>;
  /** Preflight for `setup`: environment, identity and permissions only. */
  resources?: boolean;
}

export interface DoctorReport {
  accountId?: string;
  checks: Check[];
  ok: boolean;
}

export async function runDoctor(i: DoctorInput): Promise<DoctorReport> {
  const checks = [nodeCheck(i.nodeVersion), regionCheck(i.config, i.env), endpointCheck(i.config, i.env), ...(i.before ?? [])];
  const done = (accountId?: string): DoctorReport => ({ ...(accountId ? { accountId } : {}), checks, ok: checks.every((c) => c.status !== 'fail') });
  if (!i.clients || checks.some((c) => c.status === 'fail' && c.id.startsWith('local'))) return done();
  const id = await identityCheck(i.clients, i.config, i.env, i.signal);
  checks.push(id.check);
  if (id.check.status === 'fail') return done();
  checks.push(...(await permissionChecks(i.clients, i.signal)));
  if (i.resources === false || checks.some((c) => c.status === 'fail')) return done(id.accountId);
  const state = id.accountId && i.readState ? await i.readState(id.accountId) : undefined;
  try {
    checks.push(...(await labChecks({ clients: i.clients, target: i.config.target, ...(state ? { state } : {}), signal: i.signal, now: i.now })));
  } catch (e) {
    if (i.signal.aborted) throw e;
    checks.push(check('lab', 'Lab resources', 'fail', `could not be read: ${(e as Error).name}: ${(e as Error).message}`));
  }
  return done(id.accountId);
}

/** For `setup --target aws`: stop before creating anything when the account is not ready. */
export async function assertReady(i: Omit<DoctorInput, 'resources'>): Promise<void> {
  const report = await runDoctor({ ...i, resources: false });
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.length) {
    throw new UserError(`Not ready for the lab: ${failed.map((c) => `${c.title}: ${c.detail}`).join('; ')}`, failed.map((c) => c.hint).filter(Boolean).join(' '));
  }
}
