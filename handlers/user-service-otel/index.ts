/**
 * The lab's `user-service` function traced with OpenTelemetry: the same business code and responses as
 * ../user-service (X-Ray SDK), and the same trace shape: a `user_processing` span under the function
 * segment Lambda records, with `service`, `operation` and `user_found` as X-Ray annotations, and the
 * DynamoDB call as a CLIENT span inside it (instrumentation-aws-sdk).
 */
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { failureResponse, lookUpUser, type TraceRecorder } from '../user-service/lookup.js';
import type { UserServiceEvent } from '../user-service/request.js';
import { instrumentedDynamoDB, lambdaParentContext, provider, TRACER_NAME } from './tracing.js';

const dynamodb = instrumentedDynamoDB();
const tracer = trace.getTracer(TRACER_NAME);
/** Attributes the X-Ray translation turns into annotations; the rest become metadata. */
const ANNOTATIONS = ['service', 'operation', 'user_found', 'error'];

function recorderOf(span: Span): TraceRecorder {
  return {
    annotate: (key, value) => span.setAttribute(key, value),
    // OTel attributes are flat: the request metadata becomes three attributes.
    // Names outside the semantic conventions, so the X-Ray translation keeps them as metadata (not an http block).
    requestInfo: (info) => span.setAttributes({ 'request_info.path': info.path, 'request_info.user_agent': info.user_agent, 'request_info.source_ip': info.source_ip }),
  };
}

export const handler = async (event: UserServiceEvent | null | undefined, lambdaContext?: Partial<Context>): Promise<APIGatewayProxyResult> => {
  const request = event ?? {};
  try {
    return await tracer.startActiveSpan(
      'user_processing',
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'aws.xray.annotations': ANNOTATIONS,
          ...(lambdaContext?.awsRequestId ? { 'faas.invocation_id': lambdaContext.awsRequestId } : {}),
        },
      },
      lambdaParentContext(),
      async (span) => {
        try {
          return await lookUpUser(dynamodb, request, recorderOf(span));
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          span.setAttribute('error', true);
          span.recordException(error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  } catch (err) {
    return failureResponse(err);
  } finally {
    // The sandbox may freeze as soon as the handler returns: the spans leave now, not on a timer.
    await provider.forceFlush();
  }
};
