/** `status`: what xray-lab recorded for this target, account and region. Reads only; takes no lock. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveConfig, type CommonFlags } from '../../lab/config.js';
import { readStateFile, stateFileName } from '../../lab/state.js';
import type { StateDocument } from '../../lab/state-types.js';
import { createIO } from '../io-terminal.js';
import { commandSignal } from '../exit.js';
import { accountOf, clientsFor, localEndpoint } from '../session.js';

/** With the local cloud stopped we cannot ask STS; find the local state file for this region instead. */
async function localStateFiles(dir: string, region: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.startsWith('local-') && f.endsWith(`-${region}.json`)).map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export async function statusCommand(flags: CommonFlags): Promise<void> {
  const config = resolveConfig(flags);
  const io = createIO(config.json);
  const endpoint = config.target === 'local' ? await localEndpoint(config, io, false) : config.endpoint;
  let accountId: string | undefined;
  let file: string | undefined;
  if (config.target === 'aws' || endpoint) {
    const clients = clientsFor(config, endpoint);
    try {
      accountId = await accountOf(clients, config, commandSignal());
    } finally {
      clients.destroy();
    }
    file = join(config.stateDir, stateFileName(config.target, accountId, config.region));
  } else {
    file = (await localStateFiles(config.stateDir, config.region))[0];
  }
  const doc: StateDocument | undefined = file ? await readStateFile(file) : undefined;
  accountId ??= doc?.accountId;
  const resources = (doc?.resources ?? []).map((r) => ({
    step: r.step,
    type: r.type,
    id: r.id,
    ...(r.arn ? { arn: r.arn } : {}),
    createdAt: r.createdAt,
    status: r.status,
  }));
  // Step 4 records where its stage answers; the newest API record wins.
  const invokeUrl = [...(doc?.resources ?? [])].reverse().map((r) => r.extra?.invokeUrl).find((u): u is string => typeof u === 'string');
  // Step 3 records how the function is traced (xray-sdk or otel).
  const instrumentation = doc?.resources.find((r) => r.type === 'lambda:Function')?.extra?.instrumentation;
  const data = {
    target: config.target,
    region: config.region,
    accountId: accountId ?? null,
    ...(config.target === 'local' ? { localCloud: endpoint ? { running: true, endpoint } : { running: false } } : {}),
    stateFile: file ?? null,
    stepsDone: Object.keys(doc?.steps ?? {}),
    ...(invokeUrl ? { invokeUrl } : {}),
    ...(typeof instrumentation === 'string' ? { instrumentation } : {}),
    resources,
  };
  const lines = [
    `Target ${config.target}, region ${config.region}, account ${accountId ?? 'unknown (local cloud not running)'}`,
    ...(invokeUrl ? [`Invoke URL: ${invokeUrl}  (e.g. ${invokeUrl}/users/user123)`] : []),
    ...(typeof instrumentation === 'string' ? [`Function user-service is traced with ${instrumentation === 'otel' ? 'OpenTelemetry (otel)' : 'the X-Ray SDK (xray-sdk)'}`] : []),
    resources.length === 0 ? 'No resources recorded.' : `${resources.length} recorded resources:`,
    ...resources.map((r) => `  [${r.step}] ${r.type} ${r.arn ?? r.id}  created ${r.createdAt}${r.status === 'creating' ? ' (create may not have completed)' : ''}`),
  ];
  io.result(data, lines.join('\n'));
}
