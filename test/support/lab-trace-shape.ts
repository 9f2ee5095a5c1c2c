/**
 * One definition of a whole lab trace, shared by the lab-trace test and the request-path benchmark: the
 * stage segment and its `Lambda` subsegment, the AWS::Lambda segment under it, the function segment under
 * that, the handler's `user_processing` subsegment with its `DynamoDB` call, and the inferred table.
 */
/** What the check reads of a segment document (BatchGetTraces gives subsegments embedded). */
export interface TraceDoc {
  id: string;
  name: string;
  origin?: string;
  parent_id?: string;
  subsegments?: TraceDoc[];
}

/** A document and all its subsegments, depth first. */
export function flatten<D extends { subsegments?: D[] }>(d: D): D[] {
  return [d, ...(d.subsegments ?? []).flatMap((s) => flatten(s))];
}

/** What the trace lacks, in words; empty when it is whole. */
export function missingParts(docs: TraceDoc[]): string[] {
  const byOrigin = (o: string) => docs.find((d) => d.origin === o);
  const stage = byOrigin('AWS::ApiGateway::Stage');
  const invoke = stage?.subsegments?.find((s) => s.name === 'Lambda');
  const service = byOrigin('AWS::Lambda');
  const fn = byOrigin('AWS::Lambda::Function');
  const inFn = fn ? flatten(fn) : [];
  const processing = inFn.find((s) => s.name === 'user_processing');
  const missing: string[] = [];
  if (!stage) missing.push('API Gateway stage segment');
  if (stage && !invoke) missing.push("stage's Lambda subsegment");
  if (!service || (invoke && service.parent_id !== invoke.id)) missing.push('AWS::Lambda segment under the stage');
  if (!fn || (service && fn.parent_id !== service.id)) missing.push('function segment under AWS::Lambda');
  if (!processing) missing.push('user_processing subsegment');
  if (!processing || !flatten(processing).some((s) => s.name === 'DynamoDB')) missing.push('DynamoDB subsegment');
  if (!byOrigin('AWS::DynamoDB::Table')) missing.push('DynamoDB table segment');
  return missing;
}
