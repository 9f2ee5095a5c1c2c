/**
 * The lab's `user-service` function: GET a user profile from DynamoDB, traced with the X-Ray SDK.
 *
 * Tracing shape (what the lab's trace analysis expects): in Lambda the SDK's segment is a read-only facade,
 * so everything we record lives on a `user_processing` subsegment, and the DynamoDB call runs inside it so
 * the SDK's `DynamoDB` subsegment nests under `user_processing`. Stands alone: it is bundled and shipped.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import AWSXRay from 'aws-xray-sdk-core';
import { failureResponse, lookUpUser, type TraceRecorder } from './lookup.js';
import type { UserServiceEvent } from './request.js';

type Subsegment = AWSXRay.Subsegment;

// Outside Lambda (tests, local scripts) there is no trace context: log it and carry on, never throw.
// AWS_XRAY_CONTEXT_MISSING, when set, still wins (the SDK ignores this call then).
AWSXRay.setContextMissingStrategy('LOG_ERROR');

// Module scope so warm invocations reuse the connection. The SDK reads AWS_ENDPOINT_URL itself,
// which is how the function reaches the local cloud.
const dynamodb = AWSXRay.captureAWSv3Client(new DynamoDBClient({}));

function recorderOf(sub: Subsegment | undefined): TraceRecorder | undefined {
  if (!sub) return undefined;
  return {
    annotate: (key, value) => sub.addAnnotation(key, value),
    requestInfo: (info) => sub.addMetadata('request_info', info),
  };
}

export const handler = async (event: UserServiceEvent | null | undefined): Promise<APIGatewayProxyResult> => {
  const request = event ?? {};
  try {
    // Without a trace context the SDK hands us no subsegment; the business logic runs all the same.
    return await AWSXRay.captureAsyncFunc('user_processing', async (sub?: Subsegment) => {
      try {
        const response = await lookUpUser(dynamodb, request, recorderOf(sub));
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
    // The cause is on the subsegment.
    return failureResponse(err);
  }
};
