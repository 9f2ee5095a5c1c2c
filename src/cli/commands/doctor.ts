/** `doctor`: is this machine, account and lab ready, and if traces or the API misbehave, why. Exit 2 on any failed check. */
import { join } from 'node:path';
import { resolveConfig, type CommonFlags, type LabConfig } from '../../lab/config.js';
import { systemClock } from '../../lab/context.js';
import { runDoctor, check, type Check } from '../../lab/doctor/index.js';
import { UserError } from '../../lab/errors.js';
import { readStateFile, stateFileName } from '../../lab/state.js';
import { commandSignal } from '../exit.js';
import { createIO } from '../io-terminal.js';
import { probe } from '../local/pidfile.js';
import { clientsFor } from '../session.js';

const MARK: Record<Check['status'], string> = { ok: '✔', warn: '!', fail: '✖', skip: '-' };

/** The managed local cloud (pid file + health) or the one --endpoint-url names (health only). Never started here. */
async function localCloudCheck(config: LabConfig, signal: AbortSignal): Promise<{ check: Check; endpoint?: string }> {
  const managed = `http://${config.local.host}:${config.local.port}`;
  if (config.endpoint && config.endpoint !== managed) {
    try {
      const res = await fetch(new URL('/_xray-lab/health', config.endpoint), { signal });
      const health = (await res.json()) as { version?: string };
      return { check: check('local-cloud', 'Local cloud', 'ok', `running at ${config.endpoint} (version ${health.version ?? '?'})`), endpoint: config.endpoint };
    } catch {
      return { check: check('local-cloud', 'Local cloud', 'fail', `nothing answers at ${config.endpoint}`, 'Check --endpoint-url, or drop it to use the managed local cloud.') };
    }
  }
  const live = await probe(config.local.dataDir);
  if (live.state === 'running') {
    const daemon = live.info.daemonAddress ? `, X-Ray daemon on udp ${live.info.daemonAddress}` : '';
    return { check: check('local-cloud', 'Local cloud', 'ok', `running at ${live.info.endpoint} (pid ${live.info.pid})${daemon}`), endpoint: live.info.endpoint };
  }
  const why = live.state === 'unresponsive' ? `process ${live.info.pid} does not answer` : 'not running';
  return { check: check('local-cloud', 'Local cloud', 'fail', why, 'Start it with `xray-lab local start` (setup also starts it).') };
}

export async function doctorCommand(flags: CommonFlags): Promise<void> {
  const config = resolveConfig(flags);
  const io = createIO(config.json);
  const signal = commandSignal();
  const before: Check[] = [];
  let endpoint = config.target === 'aws' ? config.endpoint : undefined;
  if (config.target === 'local') {
    const local = await localCloudCheck(config, signal);
    before.push(local.check);
    endpoint = local.endpoint;
  }
  const clients = config.target === 'aws' || endpoint ? clientsFor(config, endpoint) : undefined;
  try {
    const report = await runDoctor({
      config: { ...config, ...(endpoint ? { endpoint } : {}) }, ...(clients ? { clients } : {}), env: process.env, nodeVersion: process.version, signal,
      now: systemClock.now(), before,
      readState: (account) => readStateFile(join(config.stateDir, stateFileName(config.target, account, config.region))),
    });
    const lines = report.checks.flatMap((c) => [`${MARK[c.status]} ${c.title}: ${c.detail}`, ...(c.hint && c.status !== 'ok' ? [`    → ${c.hint}`] : [])]);
    io.result({ target: config.target, region: config.region, accountId: report.accountId ?? null, ok: report.ok, checks: report.checks }, lines.join('\n'));
    const failed = report.checks.filter((c) => c.status === 'fail');
    if (failed.length) throw new UserError(`doctor found ${failed.length} problem${failed.length > 1 ? 's' : ''}: ${failed.map((c) => c.title).join(', ')}`);
  } finally {
    clients?.destroy();
  }
}
