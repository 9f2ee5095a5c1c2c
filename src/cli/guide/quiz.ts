/**
 * A short exam-style quiz on the lab's key concepts, with immediate feedback. Answers are given in a
 * fixed order with the right one at different positions, so no randomness is needed. Each explanation
 * names the AWS page or SDK file that backs it.
 */
import { SOURCES, type SourceUrl } from './sources.js';

export interface QuizQuestion {
  id: string;
  question: string;
  choices: { value: string; name: string }[];
  answer: string;
  /** Why the answer is right; shown whatever was chosen. */
  explanation: string;
  /** Where the explanation can be checked; shown after it. */
  source: SourceUrl;
}

export const QUIZ: readonly QuizQuestion[] = [
  {
    id: 'annotation',
    question: 'You want to list every trace for one customer with a filter expression. Where should the handler record the customer id?',
    choices: [
      { value: 'metadata', name: 'As metadata on a subsegment' },
      { value: 'annotation', name: 'As an annotation on a subsegment' },
      { value: 'log', name: 'In a CloudWatch Logs line' },
      { value: 'name', name: 'In the segment name' },
    ],
    answer: 'annotation',
    explanation: 'Annotations are indexed, so `annotation.customer = "42"` can find them; metadata is kept with the trace but never indexed.',
    source: SOURCES.concepts,
  },
  {
    id: 'reservoir',
    question: 'A sampling rule has ReservoirSize 2 and FixedRate 0.1. Ten matching requests arrive within one second. How many are traced, roughly?',
    choices: [
      { value: '1', name: 'About 1 (10%)' },
      { value: '2', name: 'Exactly 2' },
      { value: '2.8', name: 'About 2.8: the first 2, then 10% of the other 8' },
      { value: '10', name: 'All 10' },
    ],
    answer: '2.8',
    explanation: 'The reservoir is filled first each second; the fixed rate applies only to the requests beyond it.',
    source: SOURCES.consoleSampling,
  },
  {
    id: 'facade',
    question: 'In a Lambda function with Active tracing, why must annotations go on a subsegment?',
    choices: [
      { value: 'facade', name: "Lambda owns the function's segment; the SDK only holds a read-only stand-in for it" },
      { value: 'limit', name: 'Segments may carry at most one annotation' },
      { value: 'cost', name: 'Annotations on segments are billed separately' },
      { value: 'sampling', name: 'Segments are not sampled in Lambda' },
    ],
    answer: 'facade',
    explanation:
      'The SDK sees a facade segment in Lambda; changing it is refused (the Python SDK raises FacadeSegmentMutationException), so record data on a subsegment you open yourself.',
    source: SOURCES.pythonLambdaLauncher,
  },
  {
    id: 'daemon',
    question: 'What does the X-Ray daemon do with the segments your code produces?',
    choices: [
      { value: 'sample', name: 'It decides which requests are sampled' },
      { value: 'store', name: 'It stores traces for 30 days' },
      { value: 'graph', name: 'It draws the service map' },
      { value: 'forward', name: 'It receives them over UDP and sends them in batches to the X-Ray API' },
    ],
    answer: 'forward',
    explanation: 'The SDK sends each segment as a UDP datagram to the daemon (port 2000), which batches them into PutTraceSegments calls; in Lambda the daemon is run for you.',
    source: SOURCES.daemon,
  },
  {
    id: 'service-filter',
    question: 'The Lambda function is named user-service. Which traces does the filter expression service("user-service") return?',
    choices: [
      { value: 'both', name: 'Traces through either Lambda node of that name (the service and the function)' },
      { value: 'api', name: 'Traces of an API named user-service' },
      { value: 'errors', name: 'Only traces in which user-service failed' },
      { value: 'none', name: 'None: service() needs a type' },
    ],
    answer: 'both',
    explanation: 'service("name") matches every node with exactly that name; a function shows as two nodes (AWS::Lambda and AWS::Lambda::Function). Use id(name: …, type: …) to pick one.',
    source: SOURCES.filters,
  },
  {
    id: 'otel-annotations',
    question: 'The function is traced with OpenTelemetry. How do the span attributes service, operation and user_found become X-Ray annotations you can filter on?',
    choices: [
      { value: 'all', name: 'Every span attribute is an annotation' },
      { value: 'listed', name: 'They are named in the span attribute aws.xray.annotations; the other attributes become metadata' },
      { value: 'prefix', name: 'Their names must start with annotation.' },
      { value: 'never', name: 'They cannot: OpenTelemetry has no annotations' },
    ],
    answer: 'listed',
    explanation: 'X-Ray indexes only the attributes a span lists in aws.xray.annotations; the rest are kept as metadata and cannot be searched, as with the X-Ray SDK.',
    source: SOURCES.sdkMigration,
  },
  {
    id: 'otel-ids',
    question: 'Why does the OpenTelemetry handler use the X-Ray id generator and the X-Ray Lambda propagator?',
    choices: [
      { value: 'speed', name: 'They are faster than the defaults' },
      { value: 'required', name: 'OpenTelemetry cannot run in Lambda without them' },
      { value: 'join', name: 'To join the trace Lambda started (from _X_AMZN_TRACE_ID) and to make trace ids whose first 8 hex digits are the epoch seconds, as X-Ray needs' },
      { value: 'w3c', name: 'To turn X-Amzn-Trace-Id into W3C traceparent for X-Ray' },
    ],
    answer: 'join',
    explanation:
      "OTel's defaults are W3C traceparent and fully random ids; the X-Ray propagator reads the X-Amzn-Trace-Id context Lambda's Active tracing hands the function, and the X-Ray id generator puts the start time first.",
    source: SOURCES.otelNodeMigration,
  },
  {
    id: 'transaction-search',
    question: 'What does turning on Transaction Search change?',
    choices: [
      { value: 'function', name: 'Only the traces of one Lambda function' },
      { value: 'account', name: 'The whole account: spans sent through X-Ray go to CloudWatch Logs at CloudWatch prices, with 1 % indexed as trace summaries for free' },
      { value: 'free', name: 'Nothing billable: it is a console view' },
      { value: 'sdk', name: 'It is needed for the X-Ray SDK to work' },
    ],
    answer: 'account',
    explanation: 'Transaction Search is configured for the entire account and switches span ingestion to CloudWatch Logs pricing; X-Ray\'s OTLP endpoint (/v1/traces) needs it.',
    source: SOURCES.transactionSearch,
  },
];

export interface QuizResult {
  id: string;
  chosen: string;
  correct: boolean;
}

export function grade(q: QuizQuestion, chosen: string): QuizResult {
  return { id: q.id, chosen, correct: chosen === q.answer };
}

export function answerName(q: QuizQuestion): string {
  return q.choices.find((c) => c.value === q.answer)!.name;
}
