/** Shared arrangements of the guarantee tests: what exists in a local cloud, asked through its API. */
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetSamplingRulesCommand, XRayClient } from '@aws-sdk/client-xray';
import { createClients, LOCAL_CREDENTIALS } from '../../src/lab/clients.js';
import { resolveConfig } from '../../src/lab/config.js';
import { systemClock, type LabContext } from '../../src/lab/context.js';
import { RecordingIO } from '../../src/lab/io.js';
import { StateStore } from '../../src/lab/state.js';
import type { Sandbox } from '../support/cli.js';

/** Every resource of every kind the lab makes, as `kind name` strings, sorted. Duplicated names stay duplicated. */
export async function inventory(endpoint: string): Promise<string[]> {
  const cfg = { endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS };
  const xray = new XRayClient(cfg);
  const ddb = new DynamoDBClient(cfg);
  const iam = new IAMClient(cfg);
  const lambda = new LambdaClient(cfg);
  const apigw = new APIGatewayClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  try {
    const rules = (await xray.send(new GetSamplingRulesCommand({}))).SamplingRuleRecords ?? [];
    const out = [
      ...rules.map((r) => r.SamplingRule!.RuleName!).filter((n) => n !== 'Default').map((n) => `rule ${n}`),
      ...((await ddb.send(new ListTablesCommand({}))).TableNames ?? []).map((n) => `table ${n}`),
      ...((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => `role ${r.RoleName}`),
      ...((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => `function ${f.FunctionName}`),
      ...((await apigw.send(new GetRestApisCommand({}))).items ?? []).map((a) => `api ${a.name}`),
      ...((await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? []).map((g) => `log-group ${g.logGroupName}`),
    ];
    return out.sort();
  } finally {
    for (const c of [xray, ddb, iam, lambda, apigw, logs]) c.destroy();
  }
}

/** The endpoint of the sandbox's background local cloud (started by the first lab command). */
export async function sandboxEndpoint(sb: Sandbox): Promise<string> {
  const r = await sb.run(['local', 'status', '--json']);
  const doc = JSON.parse(r.stdout) as { running: boolean; endpoint?: string };
  if (!doc.running || !doc.endpoint) throw new Error(`the sandbox's local cloud is not running: ${r.stdout}${r.stderr}`);
  return doc.endpoint;
}

/** Every file under dir, concatenated (latin1), to scan for leaks. */
export async function allText(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const texts = await Promise.all(entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'latin1').catch(() => '')));
  return texts.join('\n');
}

/** A lab context on a local cloud with its own temp state dir and a recording IO. */
export async function labContext(endpoint: string, accountId: string, answers: unknown[] = []): Promise<{ ctx: LabContext; io: RecordingIO; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'xray-lab-guarantees-'));
  const clients = createClients({ region: 'us-east-1', credentials: LOCAL_CREDENTIALS, endpoint });
  const state = await StateStore.open({ dir, target: 'local', accountId, region: 'us-east-1', command: 'test' });
  const io = new RecordingIO(answers);
  const ctx: LabContext = {
    config: { ...resolveConfig({ stateDir: dir, yes: true }, {}), endpoint },
    target: 'local',
    region: 'us-east-1',
    accountId,
    clients,
    state,
    io,
    clock: systemClock,
    signal: new AbortController().signal,
    runId: 'run-guarantees',
  };
  return {
    ctx,
    io,
    async close() {
      await state.close();
      clients.destroy();
    },
  };
}
