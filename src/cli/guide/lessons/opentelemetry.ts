/**
 * Step 3's OpenTelemetry part: the question of which instrumentation to deploy (asked before the step
 * runs), and what the lesson teaches about OpenTelemetry next to the X-Ray SDK, with the AWS side of it.
 */
import type { LabContext } from '../../../lab/context.js';
import { FUNCTION_NAME } from '../../../lab/guide.js';
import type { Instrumentation } from '../../../lab/packaging.js';
import { chosenInstrumentation } from '../../../../steps/user-function.js';
import type { SourcedClaim } from '../sources.js';
import { SOURCES } from '../sources.js';

export const WHY_OTEL =
  'The X-Ray SDKs and daemon are in maintenance mode since 2026-02-25 (security fixes only) and AWS recommends OpenTelemetry for new instrumentation.';

/**
 * Asks which instrumentation step 3 deploys, unless --instrumentation or an earlier run decided it. The
 * default stays the X-Ray SDK (the guide's path, and what --yes picks); OpenTelemetry is recommended.
 */
export async function chooseInstrumentation(ctx: LabContext): Promise<void> {
  if (ctx.config.instrumentation) return;
  const current = chosenInstrumentation(ctx);
  const chosen = await ctx.io.select<Instrumentation>({
    message: `How should ${FUNCTION_NAME} be traced? (OpenTelemetry is recommended: ${WHY_OTEL})`,
    choices: [
      { value: 'xray-sdk', name: "X-Ray SDK (aws-xray-sdk-core), the guide's path" },
      { value: 'otel', name: 'OpenTelemetry (recommended): the same service, the same traces, the standard AWS now recommends' },
    ],
    default: current,
    flag: '--instrumentation',
  });
  ctx.config.instrumentation = chosen;
}

export const OTEL_TEACHES = [
  `OpenTelemetry (OTel) is the vendor-neutral standard AWS now recommends (${WHY_OTEL}) The same ideas carry over: an OTel span is an X-Ray segment or subsegment (a SERVER span, or one without a parent, becomes a segment; the others become subsegments), span attributes become metadata, and those named in the span attribute aws.xray.annotations become X-Ray annotations, so annotation.user_found = false finds the same traces.`,
  'Context travels in a propagator. X-Ray uses the X-Amzn-Trace-Id header (Root=1-<8 hex epoch seconds>-<24 hex>;Parent=…;Sampled=…); OTel defaults to W3C traceparent, with 32 random hex digits. With --instrumentation otel the function reads the trace Lambda started from _X_AMZN_TRACE_ID (the X-Ray Lambda propagator) and makes X-Ray-shaped ids (the X-Ray id generator): X-Ray needs the epoch seconds in the first 8 hex digits of a trace id.',
];

export const OTEL_DETAILS = [
  'On AWS, OpenTelemetry in Lambda is usually the ADOT layer (AWSOpenTelemetryDistroJs, with AWS_LAMBDA_EXEC_WRAPPER=/opt/otel-instrument), which exports OTLP over UDP to the X-Ray daemon address Lambda provides. This lab bundles the same OpenTelemetry packages into the function instead (the local cloud has no layers, and one zip must run in both places) and exports the same way, flushing before each invocation returns. That needs no extra permission beyond xray:PutTraceSegments and no collector.',
  'See it side by side: after a load with one instrumentation, switch with `xray-lab step 3 --instrumentation xray-sdk` (or otel), send a few requests, and run `xray-lab traces show <id>` on one trace of each: the same tree (stage, Lambda, function, user_processing, DynamoDB, UserProfiles) with the same annotations, each subsegment marked "via X-Ray SDK" or "via OpenTelemetry".',
  'Sending OTLP straight to X-Ray (https://xray.<region>.amazonaws.com/v1/traces, SigV4-signed) needs Transaction Search, an account-wide setting: spans then go to CloudWatch Logs (aws/spans) at CloudWatch Logs prices, with 1 % indexed as trace summaries for free. The lab never switches it on.',
];

export const OTEL_SOURCES: SourcedClaim[] = [
  { about: 'OpenTelemetry concepts next to X-Ray ones: spans, attributes, propagation', url: SOURCES.sdkMigration },
  { about: 'Migrating a Node.js function from the X-Ray SDK to OpenTelemetry', url: SOURCES.otelNodeMigration },
  { about: 'Tracing Node.js in Lambda: the ADOT layer or the X-Ray SDK', url: SOURCES.lambdaNodeTracing },
  { about: "ADOT JS's OTLP-over-UDP exporter to the X-Ray daemon address", url: SOURCES.adotUdpExporter },
  { about: 'Transaction Search is account-wide and priced as CloudWatch Logs', url: SOURCES.transactionSearch },
  { about: 'CloudWatch Logs pricing', url: SOURCES.cloudWatchPricing },
];

/** Step 3's result in one line, for the lesson's check: how the deployed code records its traces. */
export function instrumentationSummary(ctx: LabContext): string {
  return chosenInstrumentation(ctx) === 'otel'
    ? `${FUNCTION_NAME} is traced with OpenTelemetry: user_processing is an OTel span, its DynamoDB call a CLIENT span from instrumentation-aws-sdk, sent as OTLP over UDP to the X-Ray daemon.`
    : `${FUNCTION_NAME} is traced with the X-Ray SDK: user_processing is a subsegment, its DynamoDB call one from captureAWSv3Client, sent as segment documents over UDP to the X-Ray daemon.`;
}
