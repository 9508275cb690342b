import type { CheckDefinition } from '../types.ts';
import { accountPabResource, gapVerdict, listProse, toResult, verdict, type Verdict } from '../support.ts';
import type { AccountSnapshot } from '../../snapshot/model.ts';
import { PAB_FLAGS, flagName } from './effective-block.ts';

const ID = 's3.account-public-access-block';

/** Judge one account: all four account-level Block Public Access flags are on. */
export function judgeAccountPublicAccessBlock(account: AccountSnapshot): Verdict {
  const pab = account.accountPublicAccessBlock;
  if (pab.status === 'denied' || pab.status === 'error')
    return gapVerdict('account-level Block Public Access', pab);
  if (pab.status === 'absent') {
    return verdict('fail', `Account-level Block Public Access was never configured (${pab.errorCode}).`, [
      pab.evidence,
    ]);
  }
  const off = PAB_FLAGS.filter((f) => !pab.value[f]).map(flagName);
  return off.length === 0
    ? verdict('pass', 'All four account-level Block Public Access settings are on.', [pab.evidence])
    : verdict('fail', `Account-level Block Public Access is missing ${listProse(off)}.`, [pab.evidence]);
}

/** `s3.account-public-access-block`: S3 Control Block Public Access for the account is fully on. */
export const accountPublicAccessBlock: CheckDefinition = {
  id: ID,
  title: 'Account-level Block Public Access is fully on',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description: 'S3 Control GetPublicAccessBlock for the account has all four flags true.',
  reads: ['s3control:GetPublicAccessBlock'],
  method:
    'Per account: passes when BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are all true; NoSuchPublicAccessBlockConfiguration or any false flag fails; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.map((a) => toResult(ID, accountPabResource(a), judgeAccountPublicAccessBlock(a))),
};
