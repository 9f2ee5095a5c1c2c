/**
 * The one client factory: every AWS SDK client is built here from {region, credentials, endpoint,
 * profile}. Clients are imported and constructed on first use so a command pays only for the SDKs
 * it touches.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { STSClient } from '@aws-sdk/client-sts';
import type { XRayClient } from '@aws-sdk/client-xray';
import { attachCrashPoint, type CrashPoint } from './crash-point.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ClientSettings {
  region: string;
  /** Omitted: the SDK's default chain (env, profile, SSO, instance role…). */
  credentials?: StaticCredentials;
  endpoint?: string;
  profile?: string;
  maxAttempts?: number;
  /** Crash-injection tests only (XRAY_LAB_CRASH_AT): where to kill the process. */
  crashPoint?: CrashPoint;
}

/** Fixed, obviously fake credentials for the local cloud, so the user's real keys never go there. */
export const LOCAL_CREDENTIALS: StaticCredentials = {
  accessKeyId: 'AKIAXRAYLABLOCAL0000',
  secretAccessKey: 'xray-lab-local-not-a-secret',
};

export interface Clients {
  xray(): Promise<XRayClient>;
  dynamodb(): Promise<DynamoDBClient>;
  iam(): Promise<IAMClient>;
  sts(): Promise<STSClient>;
  lambda(): Promise<LambdaClient>;
  apiGateway(): Promise<APIGatewayClient>;
  logs(): Promise<CloudWatchLogsClient>;
  tagging(): Promise<ResourceGroupsTaggingAPIClient>;
  /** Closes the sockets of every client built so far. */
  destroy(): void;
}

interface Destroyable {
  destroy(): void;
}

export function createClients(s: ClientSettings): Clients {
  const config = {
    region: s.region,
    ...(s.credentials ? { credentials: s.credentials } : {}),
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    ...(s.profile && !s.credentials ? { profile: s.profile } : {}),
    ...(s.maxAttempts ? { maxAttempts: s.maxAttempts } : {}),
  };
  const built = new Map<string, Promise<Destroyable>>();
  function lazy<T extends Destroyable>(key: string, make: () => Promise<T>): () => Promise<T> {
    return () => {
      // The crash-point middleware exists only when XRAY_LAB_CRASH_AT is set (crash-injection tests).
      if (!built.has(key)) built.set(key, make().then((c) => (attachCrashPoint(c as unknown as Parameters<typeof attachCrashPoint>[0], s.crashPoint), c)));
      return built.get(key) as Promise<T>;
    };
  }
  return {
    xray: lazy('xray', async () => new (await import('@aws-sdk/client-xray')).XRayClient(config)),
    dynamodb: lazy('dynamodb', async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient(config)),
    iam: lazy('iam', async () => new (await import('@aws-sdk/client-iam')).IAMClient(config)),
    sts: lazy('sts', async () => new (await import('@aws-sdk/client-sts')).STSClient(config)),
    lambda: lazy('lambda', async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(config)),
    apiGateway: lazy('apigw', async () => new (await import('@aws-sdk/client-api-gateway')).APIGatewayClient(config)),
    logs: lazy('logs', async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(config)),
    tagging: lazy(
      'tagging',
      async () => new (await import('@aws-sdk/client-resource-groups-tagging-api')).ResourceGroupsTaggingAPIClient(config),
    ),
    destroy() {
      for (const p of built.values()) void p.then((c) => c.destroy(), () => undefined);
    },
  };
}
