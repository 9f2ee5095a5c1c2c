/**
 * The lab's `user-service` function: GET a user profile from DynamoDB, traced with the X-Ray SDK.
 *
 * Tracing shape (what the lab's trace analysis expects): in Lambda the SDK's segment is a read-only facade,
 * so everything we record lives on a `user_processing` subsegment, and the DynamoDB call runs inside it so
 * the SDK's `DynamoDB` subsegment nests under `user_processing`. Stands alone: it is bundled and shipped.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import AWSXRay from 'aws-xray-sdk-core';
import { toUserProfile } from './item.js';
import {
  DEFAULT_TABLE_NAME,
  jsonResponse,
  requestInfo,
  simulatedWorkMs,
  userIdFromPath,
  type UserServiceEvent,
} from './request.js';

type Subsegment = AWSXRay.Subsegment;

// Outside Lambda (tests, local scripts) there is no trace context: log it and carry on, never throw.
// AWS_XRAY_CONTEXT_MISSING, when set, still wins (the SDK ignores this call then).
AWSXRay.setContextMissingStrategy('LOG_ERROR');

// Module scope so warm invocations reuse the connection. The SDK reads AWS_ENDPOINT_URL itself,
// which is how the function reaches the local cloud.
const dynamodb = AWSXRay.captureAWSv3Client(new DynamoDBClient({}));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function lookUpUser(event: UserServiceEvent, sub: Subsegment | undefined): Promise<APIGatewayProxyResult> {
  sub?.addAnnotation('service', 'user-service');
  sub?.addAnnotation('operation', event.httpMethod || 'unknown');
  sub?.addMetadata('request_info', requestInfo(event));

  // No work configured means no timer: even a 0 ms setTimeout costs a millisecond and a wake-up.
  const workMs = simulatedWorkMs(process.env.SIMULATED_WORK_MS);
  if (workMs > 0) await sleep(workMs);

  const result = await dynamodb.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME || DEFAULT_TABLE_NAME,
      Key: { userId: { S: userIdFromPath(event.path) } },
    }),
  );
  sub?.addAnnotation('user_found', result.Item !== undefined);
  return result.Item
    ? jsonResponse(200, toUserProfile(result.Item))
    : jsonResponse(404, { error: 'User not found' });
}

export const handler = async (event: UserServiceEvent | null | undefined): Promise<APIGatewayProxyResult> => {
  const request = event ?? {};
  try {
    // Without a trace context the SDK hands us no subsegment; the business logic runs all the same.
    return await AWSXRay.captureAsyncFunc('user_processing', async (sub?: Subsegment) => {
      try {
        const response = await lookUpUser(request, sub);
        sub?.close();
        return response;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        sub?.addAnnotation('error', true);
        sub?.addMetadata('error_details', error.message);
        sub?.close(error);
        throw error;
      }
    });
  } catch (err) {
    // The cause is on the subsegment; the log line lets a learner find it in CloudWatch Logs too.
    console.error('user-service failed:', err instanceof Error ? err.message : err);
    return jsonResponse(500, { error: 'Internal server error' });
  }
};
