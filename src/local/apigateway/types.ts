/**
 * The seams of the API Gateway data plane: it calls Lambda, asks X-Ray's sampling rules, and writes
 * segments only through these interfaces, so the engines behind them are wired by the server.
 */

export type InvokeResult =
  | { payload: Buffer; functionError?: string }
  /** The function (or the qualifier in its ARN) does not exist. */
  | { notFound: true }
  /** The function's resource policy does not let this API (stage, method, resource) invoke it. */
  | { forbidden: true }
  /** Lambda answered 429 TooManyRequestsException (concurrency limit); `reason` is Lambda's `Reason`. */
  | { throttled: true; reason?: string }
  /** The caller gave up before the function started, so it never ran (nobody is waiting for an answer). */
  | { abandoned: true };

export interface LambdaInvoker {
  /**
   * Synchronous (RequestResponse) invoke of the function named by the ARN inside the integration URI.
   * `traceHeader` is what Lambda receives as X-Amzn-Trace-Id. `signal` aborts when API Gateway has
   * given up (integration timeout) or its client has gone: an invocation not started yet never runs;
   * one already running keeps running, as on AWS. `sourceArn`
   * (`arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{resource path}`) is what the
   * function's resource policy must allow for `apigateway.amazonaws.com`.
   */
  invoke(functionArn: string, event: Buffer, opts: { traceHeader?: string; signal?: AbortSignal; sourceArn?: string }): Promise<InvokeResult>;
}

export interface SamplingRequest {
  /** `{apiName}/{stage}` — the stage segment's name. */
  serviceName: string;
  serviceType: 'AWS::ApiGateway::Stage';
  host?: string;
  httpMethod: string;
  /** The request path below the stage, e.g. `/users/user123`. */
  urlPath: string;
  /** The stage ARN; rules with a specific ResourceARN match against it. */
  resourceArn: string;
}

export interface StageSampler {
  decide(req: SamplingRequest): { sampled: boolean; ruleName?: string };
}

export interface SegmentSink {
  /** Complete segment documents (JSON text), as PutTraceSegments takes them. */
  putSegments(docs: string[]): void | Promise<void>;
}

export interface DataPlaneDeps {
  invoker?: LambdaInvoker;
  sampler?: StageSampler;
  sink?: SegmentSink;
}
