import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { call } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../aws/outcome.ts';
import { required } from './parse.ts';

/** Who the factory's credentials are. */
export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

/** STS GetCallerIdentity through the factory (for an assumed role this is where AssumeRole happens). */
export function collectIdentity(factory: ClientFactory, region: string): Promise<Outcome<CallerIdentity>> {
  return call(factory, 'sts', region, new GetCallerIdentityCommand({}), (o) => ({
    accountId: required(o.Account, 'Account'),
    arn: required(o.Arn, 'Arn'),
    userId: required(o.UserId, 'UserId'),
  }));
}
