import type { CheckDefinition } from '../types.ts';
import {
  accountPabResource,
  dedupe,
  gapVerdict,
  listProse,
  toResult,
  verdict,
  type Verdict,
} from '../support.ts';
import type { AccountSnapshot, OrganizationSnapshot } from '../../snapshot/model.ts';
import { PAB_FLAGS, flagName } from './effective-block.ts';
import { orgBlockPublicAccess, s3PolicyDeciding, s3PolicyOverrides, s3PolicyProse } from './org-s3-policy.ts';

const ID = 's3.account-public-access-block';

/**
 * Judge one account: all four account-level Block Public Access flags are on. Under an
 * organization S3 policy that sets them, the evidence says so (the read is the effective setting).
 */
export function judgeAccountPublicAccessBlock(account: AccountSnapshot, org?: OrganizationSnapshot): Verdict {
  const pab = account.accountPublicAccessBlock;
  const s3Policy = orgBlockPublicAccess(org, account.accountId);
  if (
    s3Policy.kind === 'set' &&
    s3Policy.setting === 'all' &&
    (pab.status === 'denied' || pab.status === 'error')
  ) {
    return verdict(
      'pass',
      `All four account-level Block Public Access settings are enforced by ${s3PolicyDeciding(s3Policy)} (public_access_block_configuration "all")${s3PolicyOverrides(s3Policy)}; the account's own GetPublicAccessBlock could not be read.`,
      dedupe([...s3Policy.evidence, pab.evidence]),
    );
  }
  if (pab.status === 'denied' || pab.status === 'error')
    return gapVerdict('account-level Block Public Access', pab);
  const orgNote =
    s3Policy.kind !== 'set'
      ? ''
      : s3Policy.setting === 'all'
        ? ` They are enforced by ${s3PolicyDeciding(s3Policy)} (public_access_block_configuration "all")${s3PolicyOverrides(s3Policy)}: the account reports the effective setting and cannot loosen it.`
        : ` ${capitalize(s3PolicyDeciding(s3Policy))} sets public_access_block_configuration "none"${s3PolicyOverrides(s3Policy)}: the organization turns all four off and the account cannot turn them on.`;
  const evidence = dedupe([pab.evidence, ...(s3Policy.kind === 'set' ? s3Policy.evidence : [])]);
  if (pab.status === 'absent') {
    return verdict(
      'fail',
      `Account-level Block Public Access was never configured (${pab.errorCode}).${orgNote}`,
      evidence,
    );
  }
  const off = PAB_FLAGS.filter((f) => !pab.value[f]).map(flagName);
  if (off.length === 0)
    return verdict('pass', `All four account-level Block Public Access settings are on.${orgNote}`, evidence);
  const disagree =
    s3Policy.kind === 'set' && s3Policy.setting === 'all'
      ? ` The effective organization S3 policy says "all" (${s3PolicyProse(s3Policy)}), but the account's read is what S3 enforces.`
      : orgNote;
  return verdict(
    'fail',
    `Account-level Block Public Access is missing ${listProse(off)}.${disagree}`,
    evidence,
  );
}

function capitalize(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
}

/** `s3.account-public-access-block`: S3 Control Block Public Access for the account is fully on. */
export const accountPublicAccessBlock: CheckDefinition = {
  id: ID,
  title: 'Account-level Block Public Access is fully on',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description: 'S3 Control GetPublicAccessBlock for the account has all four flags true.',
  reads: ['s3control:GetPublicAccessBlock', 'organizations:DescribeEffectivePolicy'],
  method:
    'Per account: passes when BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets are all true; NoSuchPublicAccessBlockConfiguration or any false flag fails; a denied or failed read is insufficient evidence. In an organization, the effective S3 policy (DescribeEffectivePolicy, S3_POLICY) is read too: when it sets public_access_block_configuration, the reason names the S3 policy and where it is attached (the account read is then the effective setting) and any S3 policy above it whose value it overrides (an exemption from an organization-wide "all"), and an "all" setting passes even when the account read itself failed.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.map((a) =>
      toResult(ID, accountPabResource(a), judgeAccountPublicAccessBlock(a, ctx.snapshot.organization)),
    ),
};
