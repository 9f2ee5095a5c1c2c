/**
 * Every kind of resource xray-lab records or discovers, named `<service>:<Kind>` like CloudFormation
 * types without the AWS:: prefix. The one list: records, discovery, deleters and manual commands all use
 * these names, so a typo is a type error instead of a resource teardown silently skips.
 */
export const RESOURCE_TYPES = {
  samplingRule: 'xray:SamplingRule',
  table: 'dynamodb:Table',
  role: 'iam:Role',
  rolePolicy: 'iam:RolePolicy',
  attachedRolePolicy: 'iam:AttachedRolePolicy',
  function: 'lambda:Function',
  permission: 'lambda:Permission',
  logGroup: 'logs:LogGroup',
  restApi: 'apigateway:RestApi',
  /** Written before CreateRestApi, whose id API Gateway chooses (see steps/user-api-intent.ts). */
  restApiIntent: 'apigateway:RestApiIntent',
} as const;

export type ResourceType = (typeof RESOURCE_TYPES)[keyof typeof RESOURCE_TYPES];

/** A resource named by type and id: what a record's delete order refers to. */
export interface ResourceRef {
  type: ResourceType;
  id: string;
}
