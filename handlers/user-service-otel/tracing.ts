/**
 * The OpenTelemetry setup ADOT's Lambda layer would otherwise provide, bundled into the function so the
 * same zip runs on AWS and in the local cloud (which has no layers). Why, and what the layer does that
 * this must do itself: README.md in this folder.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { context, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AWSXRayIdGenerator } from '@opentelemetry/id-generator-aws-xray';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { AWSXRayLambdaPropagator } from '@opentelemetry/propagator-aws-xray-lambda';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { XrayUdpSpanExporter } from './udp-exporter.js';

export const TRACER_NAME = 'xray-lab/user-service';

// Async context, so the DynamoDB span started inside `user_processing` (after awaits) nests under it.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
// Reads `_X_AMZN_TRACE_ID`, which the Lambda runtime sets per invocation from Active tracing.
propagation.setGlobalPropagator(new AWSXRayLambdaPropagator());

export const provider = new BasicTracerProvider({
  // defaultResource: telemetry.sdk.* (name, language, version), which X-Ray shows as aws.xray.sdk.
  resource: defaultResource().merge(resourceFromAttributes({
    'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'user-service',
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
    'faas.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'user-service',
  })),
  // X-Ray trace ids start with the epoch seconds: X-Ray rejects W3C ids that are random throughout.
  idGenerator: new AWSXRayIdGenerator(),
  // One datagram per invocation: the handler flushes before it returns (the sandbox freezes after).
  spanProcessors: [new BatchSpanProcessor(new XrayUdpSpanExporter(), { scheduledDelayMillis: 60_000 })],
});
trace.setGlobalTracerProvider(provider);

/** The DynamoDB client with instrumentation-aws-sdk's CLIENT spans. */
export function instrumentedDynamoDB(): DynamoDBClient {
  // The instrumentation normally patches the SDK when it is require()d; in a bundle nothing is required,
  // so it is applied to the smithy Client class the bundle holds, exactly as its require hook would.
  const aws = new AwsInstrumentation({ enabled: false, suppressInternalInstrumentation: true });
  aws.setTracerProvider(provider);
  const patchable = aws as unknown as { patchV3SmithyClient(exports: { Client: unknown }, version: string): unknown };
  patchable.patchV3SmithyClient({ Client: Object.getPrototypeOf(DynamoDBClient) }, '3');
  return new DynamoDBClient({});
}

/** The context Lambda's Active tracing started (its function segment is the parent), or ROOT outside Lambda. */
export function lambdaParentContext(): Context {
  return propagation.extract(ROOT_CONTEXT, {});
}
