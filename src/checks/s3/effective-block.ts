import type { EvidenceRef } from '../../snapshot/outcome.ts';
import type { AccountSnapshot, BucketSnapshot, PublicAccessBlock } from '../../snapshot/model.ts';
import { firstGap } from '../support.ts';
import type { Gap } from '../../snapshot/outcome.ts';

/** Whether a Block Public Access flag is in effect for a bucket, considering both levels. */
export type FlagEffect =
  | { known: true; on: boolean; level?: 'bucket' | 'account'; evidence: EvidenceRef[] }
  | { known: false; gap: Gap; evidence: EvidenceRef[] };

/**
 * Whether `flag` is effective for the bucket: on at either the bucket or the account level
 * (either suffices). A gap at one level matters only when the other level does not turn it on.
 */
export function effectiveFlag(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  flag: keyof PublicAccessBlock,
): FlagEffect {
  const b = bucket.publicAccessBlock;
  const a = account.accountPublicAccessBlock;
  const evidence = [b.evidence, a.evidence];
  if (b.status === 'ok' && b.value[flag])
    return { known: true, on: true, level: 'bucket', evidence: [b.evidence] };
  if (a.status === 'ok' && a.value[flag])
    return { known: true, on: true, level: 'account', evidence: [a.evidence] };
  const gap = firstGap(b, a);
  if (gap) return { known: false, gap, evidence };
  return { known: true, on: false, evidence };
}

/** The four flags in the order AWS lists them. */
export const PAB_FLAGS: readonly (keyof PublicAccessBlock)[] = [
  'blockPublicAcls',
  'ignorePublicAcls',
  'blockPublicPolicy',
  'restrictPublicBuckets',
];

/** AWS's spelling of a flag, e.g. `BlockPublicAcls`. */
export function flagName(flag: keyof PublicAccessBlock): string {
  return flag.charAt(0).toUpperCase() + flag.slice(1);
}
