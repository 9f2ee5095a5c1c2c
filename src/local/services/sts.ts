/**
 * STS (awsQuery, 2011-06-15): GetCallerIdentity only — the lab uses it to learn the account id.
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 * Any credentials are accepted; the identity is the local account's root.
 */
import { awsQueryService } from '../protocols/aws-query.js';
import type { LocalService } from '../core/types.js';
import type { LocalCloudEnv } from '../env.js';

export function createStsService(env: LocalCloudEnv): LocalService {
  return awsQueryService({
    name: 'sts',
    title: 'STS',
    version: '2011-06-15',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: {
      GetCallerIdentity: () => ({
        UserId: env.accountId,
        Account: env.accountId,
        Arn: `arn:aws:iam::${env.accountId}:root`,
      }),
    },
  });
}
