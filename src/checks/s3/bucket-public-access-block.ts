import type { CheckDefinition } from '../types.ts';
import { evidenceOf, forEachBucket, gapVerdict, listProse, verdict, type BucketJudge } from '../support.ts';
import { PAB_FLAGS, flagName } from './effective-block.ts';

const ID = 's3.bucket-public-access-block';

/** Judge one bucket: all four bucket-level Block Public Access flags are on. */
export const judgeBucketPublicAccessBlock: BucketJudge = (bucket, account) => {
  const pab = bucket.publicAccessBlock;
  if (pab.status === 'denied' || pab.status === 'error')
    return gapVerdict('bucket-level Block Public Access', pab);
  const acct = account.accountPublicAccessBlock;
  const accountAllOn = acct.status === 'ok' && PAB_FLAGS.every((f) => acct.value[f]);
  const accountNote = accountAllOn
    ? ' The account-level setting covers it, but both levels are required.'
    : '';
  if (pab.status === 'absent') {
    return verdict(
      'fail',
      `The bucket has no Block Public Access configuration (${pab.errorCode}).${accountNote}`,
      accountAllOn ? evidenceOf(pab, acct) : [pab.evidence],
    );
  }
  const off = PAB_FLAGS.filter((f) => !pab.value[f]).map(flagName);
  if (off.length === 0)
    return verdict('pass', 'All four bucket-level Block Public Access settings are on.', [pab.evidence]);
  return verdict(
    'fail',
    `Bucket-level Block Public Access is missing ${listProse(off)}.${accountNote}`,
    accountAllOn ? evidenceOf(pab, acct) : [pab.evidence],
  );
};

/** `s3.bucket-public-access-block`: all four bucket-level Block Public Access flags are on. */
export const bucketPublicAccessBlock: CheckDefinition = {
  id: ID,
  title: 'Bucket-level Block Public Access is fully on',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are all true on the bucket.',
  reads: ['s3:GetBucketPublicAccessBlock'],
  method:
    'Per bucket: passes when all four Block Public Access flags are true on the bucket; NoSuchPublicAccessBlockConfiguration or any false flag fails; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeBucketPublicAccessBlock),
};
