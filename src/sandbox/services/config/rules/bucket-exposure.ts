/**
 * Whether a bucket's policy or ACL grants public read or write access, after Block Public Access
 * (bucket or account level, either suffices) and Object Ownership have had their effect — the
 * logic of the S3_BUCKET_PUBLIC_READ/WRITE_PROHIBITED managed rules.
 */
import { policyStatements } from '../../../policy-statements.ts';
import type { BucketState, PabState } from '../../../types.ts';
import type { BucketRule } from './types.ts';

export type AccessKind = 'read' | 'write';

const PUBLIC_GROUPS = new Set([
  'http://acs.amazonaws.com/groups/global/AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
]);

/** Representative actions of each kind; a statement allowing any of them grants that kind. */
const ACTIONS: Record<AccessKind, string[]> = {
  read: ['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions'],
  write: [
    's3:PutObject',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:PutObjectAcl',
    's3:PutBucketPolicy',
    's3:PutBucketAcl',
  ],
};

/** Condition keys that pin a grant to known parties when their values are fixed (no wildcards). */
const FIXED_VALUE_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceowner',
  'aws:sourceaccount',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principalorgid',
  's3:x-amz-server-side-encryption-aws-kms-key-id',
  'aws:userid',
]);

/** Where a bucket is publicly exposed for `kind` access, or an empty list. */
export function publicExposure(
  bucket: BucketState,
  kind: AccessKind,
  accountPab: PabState | undefined,
): string[] {
  const reasons: string[] = [];
  const restrictPolicy =
    bucket.publicAccessBlock?.RestrictPublicBuckets === true || accountPab?.RestrictPublicBuckets === true;
  const ignoreAcls =
    bucket.publicAccessBlock?.IgnorePublicAcls === true || accountPab?.IgnorePublicAcls === true;
  if (!restrictPolicy && bucket.policy !== undefined && policyGrantsPublic(bucket.policy, kind)) {
    reasons.push(`bucket policy allows public ${kind} access`);
  }
  const aclsApply = bucket.objectOwnership !== 'BucketOwnerEnforced' && !ignoreAcls;
  if (aclsApply && aclGrantsPublic(bucket, kind)) reasons.push(`bucket ACL allows public ${kind} access`);
  return reasons;
}

function aclGrantsPublic(bucket: BucketState, kind: AccessKind): boolean {
  const permissions = kind === 'read' ? ['READ', 'FULL_CONTROL'] : ['WRITE', 'WRITE_ACP', 'FULL_CONTROL'];
  return bucket.acl.some(
    (g) => g.type === 'Group' && PUBLIC_GROUPS.has(g.id) && permissions.includes(g.permission),
  );
}

/** True when some Allow statement grants `kind` actions to anyone without pinning conditions. */
export function policyGrantsPublic(policy: string, kind: AccessKind): boolean {
  const statements = policyStatements(policy);
  return statements.some(
    (st) =>
      st.Effect === 'Allow' &&
      isPublicPrincipal(st) &&
      grantsAny(st, ACTIONS[kind]) &&
      !pinnedByCondition(st.Condition),
  );
}

function isPublicPrincipal(st: Record<string, unknown>): boolean {
  if (st.NotPrincipal !== undefined) return true;
  const principal = st.Principal;
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const aws = (principal as Record<string, unknown>).AWS;
  return list(aws).includes('*');
}

function grantsAny(st: Record<string, unknown>, actions: string[]): boolean {
  if (st.NotAction !== undefined) {
    const excluded = list(st.NotAction);
    return actions.some((a) => !excluded.some((p) => matches(p, a)));
  }
  const allowed = list(st.Action);
  return actions.some((a) => allowed.some((p) => matches(p, a)));
}

function pinnedByCondition(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const values = list(value);
      const k = key.toLowerCase();
      if (
        FIXED_VALUE_KEYS.has(k) &&
        values.length > 0 &&
        values.every((v) => !v.includes('*') && !v.includes('?'))
      )
        return true;
      if (
        k === 'aws:sourceip' &&
        !operator.startsWith('Not') &&
        values.length > 0 &&
        values.every(boundedCidr)
      )
        return true;
    }
  }
  return false;
}

function boundedCidr(cidr: string): boolean {
  const prefix = Number(cidr.split('/')[1] ?? (cidr.includes(':') ? 128 : 32));
  return cidr.includes(':') ? prefix >= 32 : prefix >= 8;
}

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The managed rule that finds a bucket NON_COMPLIANT when it allows public read (or write). */
export function publicAccessRule(sourceIdentifier: string, access: 'read' | 'write'): BucketRule {
  return {
    sourceIdentifier,
    evaluate(bucket, context) {
      const reasons = publicExposure(bucket, access, context.accountPublicAccessBlock);
      return reasons.length === 0
        ? { complianceType: 'COMPLIANT' }
        : { complianceType: 'NON_COMPLIANT', annotation: reasons.join('; ') };
    },
  };
}
