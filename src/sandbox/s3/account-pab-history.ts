/**
 * The account's S3 Block Public Access as AWS Config records it
 * (`AWS::S3::AccountPublicAccessBlock`, resource id = the account id), in the region of the S3
 * Control call: the four flags in camelCase; `ResourceDeleted` once the configuration is deleted.
 */
import {
  ACCOUNT_PAB_TYPE,
  recordResourceDeleted,
  recordResourceState,
} from '../services/config/resource-history.ts';
import type { AccountState } from '../types.ts';

/** Record the account's Block Public Access after a write (a no-op when unchanged). */
export function recordAccountPabConfiguration(account: AccountState, region: string, now: Date): void {
  const pab = account.accountPublicAccessBlock;
  if (!pab) {
    recordResourceDeleted(account, region, ACCOUNT_PAB_TYPE, account.id, now);
    return;
  }
  recordResourceState(
    account,
    {
      resourceType: ACCOUNT_PAB_TYPE,
      resourceId: account.id,
      resourceName: account.id,
      accountId: account.id,
      region,
      configuration: {
        blockPublicAcls: pab.BlockPublicAcls,
        ignorePublicAcls: pab.IgnorePublicAcls,
        blockPublicPolicy: pab.BlockPublicPolicy,
        restrictPublicBuckets: pab.RestrictPublicBuckets,
      },
      supplementaryConfiguration: {},
    },
    now,
  );
}
