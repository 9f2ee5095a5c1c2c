/**
 * Where each teaching claim of the walkthrough can be checked: public AWS documentation pages and files
 * in public AWS repositories. Every URL here was looked up in the stored copies of those pages and
 * repositories before being written down; a claim without a source found this way is not taught.
 * One home, so a page that moves is fixed once.
 */

const XRAY_GUIDE = 'https://docs.aws.amazon.com/xray/latest/devguide';
const XRAY_API = 'https://docs.aws.amazon.com/xray/latest/api';
const CLI_REF = 'https://docs.aws.amazon.com/cli/latest/reference';
const NODE_SDK = 'https://github.com/aws/aws-xray-sdk-node/blob/master/packages/core/lib';
const PYTHON_SDK = 'https://github.com/aws/aws-xray-sdk-python/blob/master/aws_xray_sdk/core';

export const SOURCES = {
  // X-Ray developer guide
  sdkDaemonTimeline: `${XRAY_GUIDE}/xray-sdk-daemon-timeline.html`,
  /** "Understanding OpenTelemetry concepts for migration": spans/segments, attributes/annotations, propagation. */
  sdkMigration: `${XRAY_GUIDE}/xray-sdk-migration.html`,
  /** Migrating a Node.js app, Lambda included, from the X-Ray SDK to OpenTelemetry. */
  otelNodeMigration: `${XRAY_GUIDE}/migrate-xray-to-opentelemetry-nodejs.html`,
  concepts: `${XRAY_GUIDE}/xray-concepts.html`,
  daemon: `${XRAY_GUIDE}/xray-daemon.html`,
  filters: `${XRAY_GUIDE}/xray-console-filters.html`,
  consoleSampling: `${XRAY_GUIDE}/xray-console-sampling.html`,
  apiSampling: `${XRAY_GUIDE}/xray-api-sampling.html`,
  apiGatewayTracing: `${XRAY_GUIDE}/xray-services-apigateway.html`,
  lambdaTracing: `${XRAY_GUIDE}/xray-services-lambda.html`,
  /** "Using the AWS X-Ray API with the AWS CLI": the documented GetServiceGraph output with its client node. */
  apiTutorial: `${XRAY_GUIDE}/xray-api-tutorial.html`,
  /** BatchGetTraces example: the inferred DynamoDB segment is named "DynamoDB", origin AWS::DynamoDB::Table. */
  apiGettingData: `${XRAY_GUIDE}/xray-api-gettingdata.html`,
  nodeSdkSampling: `${XRAY_GUIDE}/xray-sdk-nodejs-configuration.html`,
  /** Warns that AWS SDK v3 clients may not record the DynamoDB table name. */
  nodeSdkAwsClients: `${XRAY_GUIDE}/xray-sdk-nodejs-awssdkclients.html`,
  // X-Ray API reference
  getTraceSummaries: `${XRAY_API}/API_GetTraceSummaries.html`,
  getServiceGraph: `${XRAY_API}/API_GetServiceGraph.html`,
  samplingTargetDocument: `${XRAY_API}/API_SamplingTargetDocument.html`,
  // The SDKs' own code
  nodeLocalSampler: `${NODE_SDK}/middleware/sampling/local_sampler.js`,
  nodeTargetPoller: `${NODE_SDK}/middleware/sampling/target_poller.js`,
  pythonRecorder: `${PYTHON_SDK}/recorder.py`,
  pythonLambdaLauncher: `${PYTHON_SDK}/lambda_launcher.py`,
  pythonLocalRule: `${PYTHON_SDK}/sampling/local/sampling_rule.py`,
  // AWS CLI reference and user guide
  cliCreateSamplingRule: `${CLI_REF}/xray/create-sampling-rule.html`,
  cliUpdateSamplingRule: `${CLI_REF}/xray/update-sampling-rule.html`,
  cliUpdateStage: `${CLI_REF}/apigateway/update-stage.html`,
  cliGetResources: `${CLI_REF}/apigateway/get-resources.html`,
  cliAddPermission: `${CLI_REF}/lambda/add-permission.html`,
  cliConfigureGet: `${CLI_REF}/configure/get.html`,
  cliTableExists: `${CLI_REF}/dynamodb/wait/table-exists.html`,
  cliV2Changes: 'https://docs.aws.amazon.com/cli/latest/userguide/cliv2-migration-changes.html',
  // Lambda, IAM, DynamoDB
  lambdaRuntimes: 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html',
  lambdaXray: 'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html',
  iamLeastPrivilege: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  dynamoDbOnDemandPricing: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  lambdaNodeTracing: 'https://docs.aws.amazon.com/lambda/latest/dg/nodejs-tracing.html',
  // OpenTelemetry on AWS
  /** Account-wide; spans then go to CloudWatch Logs (aws/spans) at CloudWatch prices, 1 % indexed free. */
  transactionSearch: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html',
  cloudWatchPricing: 'https://aws.amazon.com/cloudwatch/pricing/',
  /** ADOT JS's OTLP-over-UDP exporter to the X-Ray daemon address (the T1S/T1U datagrams). */
  adotUdpExporter: 'https://github.com/aws-observability/aws-otel-js-instrumentation/blob/main/aws-distro-opentelemetry-node-autoinstrumentation/src/otlp-udp-exporter.ts',
} as const;

export type SourceUrl = (typeof SOURCES)[keyof typeof SOURCES];

/** A teaching claim and the page that backs it; shown under "Show details". */
export interface SourcedClaim {
  /** The claim in a few words. */
  about: string;
  url: SourceUrl;
}
