/**
 * The business logic of `user-service`, shared by both instrumentations (index.ts: X-Ray SDK,
 * ../user-service-otel: OpenTelemetry) so that their code paths and responses are identical. What each
 * records goes through `TraceRecorder`: an X-Ray subsegment or an OpenTelemetry span.
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { toUserProfile } from './item.js';
import { DEFAULT_TABLE_NAME, jsonResponse, requestInfo, simulatedWorkMs, userIdFromPath, type RequestInfo, type UserServiceEvent } from './request.js';

/** What the lab records on `user_processing`: annotations (indexed, filterable) and request metadata. */
export interface TraceRecorder {
  annotate(key: string, value: string | boolean): void;
  requestInfo(info: RequestInfo): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function lookUpUser(dynamodb: DynamoDBClient, event: UserServiceEvent, rec: TraceRecorder | undefined): Promise<APIGatewayProxyResult> {
  rec?.annotate('service', 'user-service');
  rec?.annotate('operation', event.httpMethod || 'unknown');
  rec?.requestInfo(requestInfo(event));

  // No work configured means no timer: even a 0 ms setTimeout costs a millisecond and a wake-up.
  const workMs = simulatedWorkMs(process.env.SIMULATED_WORK_MS);
  if (workMs > 0) await sleep(workMs);

  const result = await dynamodb.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME || DEFAULT_TABLE_NAME,
      Key: { userId: { S: userIdFromPath(event.path) } },
    }),
  );
  rec?.annotate('user_found', result.Item !== undefined);
  return result.Item
    ? jsonResponse(200, toUserProfile(result.Item))
    : jsonResponse(404, { error: 'User not found' });
}

/** The response of a failed request, the same for both instrumentations; the log line lets a learner find the cause in CloudWatch Logs. */
export function failureResponse(err: unknown): APIGatewayProxyResult {
  console.error('user-service failed:', err instanceof Error ? err.message : err);
  return jsonResponse(500, { error: 'Internal server error' });
}
