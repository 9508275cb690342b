import { GetPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { call } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../snapshot/outcome.ts';
import type { PublicAccessBlock } from '../snapshot/model.ts';
import { toPublicAccessBlock } from './bucket-config.ts';

/** Account-level Block Public Access (S3 Control GetPublicAccessBlock). */
export function collectAccountPublicAccessBlock(
  factory: ClientFactory,
  accountId: string,
  region: string,
): Promise<Outcome<PublicAccessBlock>> {
  return call(factory, 's3control', region, new GetPublicAccessBlockCommand({ AccountId: accountId }), (o) =>
    toPublicAccessBlock(o.PublicAccessBlockConfiguration),
  );
}
