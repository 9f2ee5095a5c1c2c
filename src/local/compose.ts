/**
 * The local cloud's composition root: builds every service and the pieces they call, in dependency
 * order, and registers each running part with the lifecycle. Listeners are not opened here, except
 * the X-Ray daemon's address (UDP intake, TCP sampling proxy) and the OTLP receiver
 * (tracing-listeners.ts), which functions must know before they are wired. The HTTP port
 * (server.ts) opens only after everything here is wired.
 */
import { mkdirSync } from 'node:fs';
import { createApiGateway, type DataPlaneDeps, type LocalApiGateway } from './apigateway/index.js';
import { openDatabase } from './core/db.js';
import { randomIds, systemClock } from './core/defaults.js';
// The project's one zip extractor (yauzl only, no esbuild), so the local cloud loads nothing of packaging.
import { safeExtractZip } from './core/safe-zip.js';
import type { Clock, IdGenerator, LocalService } from './core/types.js';
import type { LocalCloudEnv, LocalFaults } from './env.js';
import { isAbandoned, isThrottle, LambdaEngine } from './lambda/index.js';
import type { Lifecycle } from './lifecycle.js';
import type { LocalLambdaLimits } from './lambda/types.js';
import { createDynamoDb, type DynamoDbBackend } from './services/dynamodb.js';
import { createIamService } from './services/iam/index.js';
import { createLambdaService, type LambdaApi, type LambdaRunner, type ZipExtractor } from './services/lambda/index.js';
import { createLogsService, type LogsApi } from './services/logs/index.js';
import { createStsService } from './services/sts.js';
import { localTagSources } from './services/tagging-sources.js';
import { createTaggingService } from './services/tagging.js';
import { createXrayEngine } from './services/xray/engine.js';
import { createXrayService } from './services/xray/index.js';
import { SamplingRules } from './services/xray/rules.js';
import type { TraceStore } from './xray/index.js';
import type { OtlpSink } from './otlp/ingest.js';
import type { TracingIntake, TracingListeners } from './tracing-listeners.js';

export const DEFAULT_ACCOUNT = '000000000000';

/** What the composition needs from the caller's options. */
export interface CompositionOptions {
  /** Where state persists; omitted = in memory (tests). */
  dataDir?: string;
  accountId?: string;
  region?: string;
  clock?: Clock;
  ids?: IdGenerator;
  faults?: LocalFaults;
  /** Unpacks uploaded function zips; defaults to the packaging module's safe extractor. */
  extractZip?: ZipExtractor;
  /** Builds the Lambda execution engine once the endpoint is known; default: the real LambdaEngine. */
  createLambdaRunner?: (hooks: LambdaRunnerHooks) => LambdaRunner;
  /** Randomness of sampling decisions (tests pass a seeded one). */
  random?: () => number;
  /** What API Gateway invokes, samples with and writes segments to (Lambda engine, X-Ray engine). */
  apigateway?: DataPlaneDeps;
  /** Local Lambda limits: account concurrency (default 20), idle environment lifetime (default 5 min), opt-in environment cap. */
  lambda?: LocalLambdaLimits;
}

/** What the server hands the execution engine: where functions reach the cloud, and where their logs go. */
export interface LambdaRunnerHooks {
  /** The API port's URL; readable once the port is open, which is before any function can be invoked. */
  readonly endpoint: string;
  env: LocalCloudEnv;
  onLogEvents(group: string, stream: string, events: { timestamp: number; message: string }[]): void;
}

export interface LocalCloudParts {
  env: LocalCloudEnv;
  dynamodb: DynamoDbBackend;
  /** `host:port` of the daemon's UDP intake (what AWS_XRAY_DAEMON_ADDRESS names). */
  daemonAddress: string;
  /** The daemon address's UDP and TCP sides and the OTLP receiver. */
  tracing: TracingListeners;
  /** Where OTLP spans go: translated, then stored through PutTraceSegments' path. */
  otlpSink: OtlpSink;
  /** Mounted on the API port by signing name (DynamoDB apart). */
  services: Map<string, LocalService>;
  lambda: LambdaApi;
  logs: LogsApi;
  apigateway: LocalApiGateway;
  /** The trace store, for the health probe's size report. */
  traces: TraceStore;
}

/**
 * Builds the cloud. `endpoint` is read lazily by the Lambda engine when it first starts a function,
 * which needs the API port open; `startDaemon` opens the tracing listeners (daemon UDP and TCP, OTLP).
 */
export async function composeLocalCloud(
  options: CompositionOptions,
  lifecycle: Lifecycle,
  listeners: { endpoint: () => string; startDaemon: (intake: TracingIntake) => Promise<TracingListeners> },
): Promise<LocalCloudParts> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const env: LocalCloudEnv = {
    db: openDatabase(options.dataDir),
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    accountId: options.accountId ?? DEFAULT_ACCOUNT,
    defaultRegion: options.region ?? 'us-east-1',
    dataDir: options.dataDir,
    faults: options.faults ?? {},
  };
  lifecycle.add('state database', () => {
    env.db.close();
  });
  const dynamodb = await createDynamoDb({ dataDir: options.dataDir, region: env.defaultRegion, accountId: env.accountId });
  lifecycle.add('DynamoDB', () => dynamodb.close());
  const iam = createIamService(env);
  const rules = new SamplingRules(env);
  const logs = createLogsService(env);
  const xray = createXrayEngine(env, rules, options.random);
  // On stop, once everything that writes traces has stopped: the next start copies the index in blocks.
  if (options.dataDir) lifecycle.add('X-Ray store snapshot', () => xray.store.checkpoint());
  const services = new Map<string, LocalService>();
  const otlpSink: OtlpSink = {
    clock: env.clock,
    putBuilt: (docs) => xray.store.putBuiltSegments(docs).UnprocessedTraceSegments.length,
  };
  const tracing = await listeners.startDaemon({
    onDocuments: (docs) => xray.putSegments(docs),
    otlpSink,
    // The daemon's sampling proxy serves the X-Ray API's own operations, in the default region as the daemon's.
    forwardSampling: async (path, body) => services.get('xray')!.handle(
      { method: 'POST', path, query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body },
      { requestId: env.ids.uuid(), accountId: env.accountId, region: env.defaultRegion },
    ),
  });
  // Closed after the functions stop (it was started before them), so their last datagrams still land.
  lifecycle.add('X-Ray daemon', () => tracing.close());
  const daemonAddress = `${tracing.daemon.address}:${tracing.daemon.port}`;

  const hooks: LambdaRunnerHooks = {
    get endpoint() {
      return listeners.endpoint();
    },
    env,
    onLogEvents: (group, stream, events) => logs.append(group, stream, events),
  };
  const runner = options.createLambdaRunner
    ? options.createLambdaRunner(hooks)
    : new LambdaEngine({
      region: env.defaultRegion,
      accountId: env.accountId,
      // A getter: the engine reads it when it starts a function, after the port is open.
      get endpoint() {
        return hooks.endpoint;
      },
      daemonAddress,
      clock: env.clock,
      ids: env.ids,
      onSegments: (docs) => xray.putSegments(docs),
      onLogEvents: hooks.onLogEvents,
      concurrencyLimit: options.lambda?.concurrencyLimit,
      idleTimeoutMs: options.lambda?.idleTimeoutMs,
      maxEnvironments: options.lambda?.maxEnvironments,
      // Read per invocation, long after `lambda` below exists.
      reservedTotal: () => lambda.reservedTotal(),
    });
  const lambda = createLambdaService(env, {
    roleAssumable: (arn) => iam.roleAssumable(arn),
    extractZip: options.extractZip ?? safeExtractZip,
    runner: () => runner,
    concurrencyLimit: options.lambda?.concurrencyLimit,
  });
  const apigateway = createApiGateway(env, {
    invoker: {
      async invoke(functionArn, event, opts) {
        const caller = opts.sourceArn ? { principal: 'apigateway.amazonaws.com', sourceArn: opts.sourceArn } : undefined;
        let result;
        try {
          result = await lambda.invokeByArn(functionArn, event, { traceHeader: opts.traceHeader, caller, signal: opts.signal });
        } catch (e) {
          if (isThrottle(e)) return { throttled: true, reason: String(e.extra.Reason) };
          if (isAbandoned(e)) return { abandoned: true };
          throw e;
        }
        if (result === 'not-found') return { notFound: true };
        if (result === 'forbidden') return { forbidden: true };
        return { payload: result.payload, functionError: result.functionError };
      },
    },
    sampler: {
      decide: (q) => xray.decide(regionOfStage(q.resourceArn) ?? env.defaultRegion, q),
    },
    sink: { putSegments: (docs) => xray.putSegments(docs) },
    ...options.apigateway,
  });
  for (const s of [createStsService(env), iam.service, createXrayService(env, rules, xray.routes), lambda.service, logs.service, apigateway.service]) services.set(s.name, s);
  const tagSources = localTagSources({ env, functions: lambda.functions, apis: apigateway.store, logs: logs.store, rules, dynamo: dynamodb.call });
  services.set('tagging', createTaggingService(tagSources));
  // The Lambda service stops the function processes, so they go before the daemon they send to.
  lifecycle.add('services', async () => {
    for (const s of services.values()) await s.close?.();
  });
  return { env, dynamodb, daemonAddress, tracing, otlpSink, services, lambda, logs, apigateway, traces: xray.store };
}

/** `arn:aws:apigateway:{region}::/restapis/{id}/stages/{stage}` → region. */
function regionOfStage(arn: string | undefined): string | undefined {
  return arn?.split(':')[3] || undefined;
}
