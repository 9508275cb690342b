import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { call } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../snapshot/outcome.ts';
import { required } from './parse.ts';

/** Who the factory's credentials are. */
export interface CallerIdentity {
  accountId: string;
  arn: string;
  userId: string;
}

/**
 * Per-attempt timeout of GetCallerIdentity. It is the run's first call and the probe that the
 * endpoint answers at all; STS answers it in well under a second, so a silent endpoint is reported
 * (and retried) after 10 s rather than after the general `collection.requestTimeoutMs`.
 */
export const IDENTITY_TIMEOUT_MS = 10_000;

/** STS GetCallerIdentity through the factory (for an assumed role this is where AssumeRole happens). */
export function collectIdentity(
  factory: ClientFactory,
  region: string,
  requestTimeoutMs = IDENTITY_TIMEOUT_MS,
): Promise<Outcome<CallerIdentity>> {
  return call(
    factory,
    'sts',
    region,
    new GetCallerIdentityCommand({}),
    (o) => ({
      accountId: required(o.Account, 'Account'),
      arn: required(o.Arn, 'Arn'),
      userId: required(o.UserId, 'UserId'),
    }),
    { requestTimeoutMs },
  );
}
