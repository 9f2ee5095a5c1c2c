/** `traces show` says which instrumentation recorded each subsegment: X-Ray SDK, OpenTelemetry, Lambda or the AWS service. */
import { describe, expect, it } from 'vitest';
import type { Trace } from '@aws-sdk/client-xray';
import { buildSpanTree, type Span } from '../../../src/lab/analysis/span-tree.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:user-service';
const OTEL = { xray: { sdk: 'opentelemetry for nodejs', sdk_version: '2.12.1', auto_instrumentation: false } };

function trace(processingAws?: Record<string, unknown>, dynamoAws: Record<string, unknown> = { operation: 'GetItem' }): Trace {
  const stage = { id: 'a1', name: 'user-api/prod', origin: 'AWS::ApiGateway::Stage', start_time: 1, end_time: 2, subsegments: [{ id: 'a2', name: 'Lambda', namespace: 'aws', start_time: 1, end_time: 2 }] };
  const fn = {
    id: 'f1', name: 'user-service', origin: 'AWS::Lambda::Function', start_time: 1, end_time: 2, parent_id: 'a2',
    subsegments: [{
      id: 'i1', name: 'Invocation', start_time: 1, end_time: 2, aws: { function_arn: ARN },
      subsegments: [{ id: 'p1', name: 'user_processing', start_time: 1, end_time: 2, ...(processingAws ? { aws: processingAws } : {}),
        subsegments: [{ id: 'd1', name: 'DynamoDB', namespace: 'aws', start_time: 1, end_time: 2, aws: dynamoAws }] }],
    }],
  };
  return { Id: '1-5f000000-000000000000000000000001', Segments: [stage, fn].map((d) => ({ Id: d.id, Document: JSON.stringify(d) })) };
}

function by(t: Trace): Record<string, string | undefined> {
  const tree = buildSpanTree(t);
  const out: Record<string, string | undefined> = {};
  for (const s of tree.byId.values() as Iterable<Span>) if (s.kind === 'subsegment') out[s.name] = s.recordedBy;
  return out;
}

describe('which instrumentation recorded a subsegment', () => {
  it('names OpenTelemetry from aws.xray.sdk, on every span the OTel SDK exported', () => {
    expect(by(trace(OTEL, { operation: 'GetItem', ...OTEL }))).toEqual({ Lambda: 'AWS::ApiGateway::Stage', Invocation: 'Lambda', user_processing: 'OpenTelemetry', DynamoDB: 'OpenTelemetry' });
  });

  it('names the X-Ray SDK for the handler\'s subsegments under Lambda\'s, which name no SDK (the facade segment)', () => {
    expect(by(trace())).toEqual({ Lambda: 'AWS::ApiGateway::Stage', Invocation: 'Lambda', user_processing: 'X-Ray SDK', DynamoDB: 'X-Ray SDK' });
  });
});
