/**
 * The organization's S3 policy (`S3_POLICY`) as it bears on an account: whether its effective
 * policy (DescribeEffectivePolicy) sets `s3_attributes.public_access_block_configuration`, which
 * turns all four account-level Block Public Access settings on (`all`) or off (`none`) and locks
 * them: the account's own GetPublicAccessBlock then reports that effective setting, and a
 * PutPublicAccessBlock in the account is refused.
 */
import type { EvidenceRef } from '../../snapshot/outcome.ts';
import {
  policiesInForce,
  type OrganizationSnapshot,
  type PolicyInForce,
} from '../../snapshot/organization.ts';

/** What the organization's S3 policy says about an account's Block Public Access. */
export type OrgBlockPublicAccess =
  /** No organization read, no effective S3 policy for the account, or it does not set BPA. */
  | { kind: 'none' }
  | {
      kind: 'set';
      setting: 'all' | 'none';
      /** The attached S3 policies that assign this setting (root first). */
      policies: PolicyInForce[];
      evidence: EvidenceRef[];
    };

/** The `public_access_block_configuration` value of an S3 policy document, effective or attached. */
export function bpaAssignment(content: string): 'all' | 'none' | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch {
    return undefined;
  }
  const attrs = record(record(doc)?.['s3_attributes']);
  const raw = attrs?.['public_access_block_configuration'];
  // The effective policy carries the resolved value; an attached policy carries `{"@@assign": …}`.
  const value = typeof raw === 'string' ? raw : record(raw)?.['@@assign'];
  return value === 'all' || value === 'none' ? value : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The effective S3 policy's Block Public Access setting for `accountId`, with the policies that set it. */
export function orgBlockPublicAccess(
  org: OrganizationSnapshot | undefined,
  accountId: string,
): OrgBlockPublicAccess {
  const effective = org?.effectiveS3Policies.find((e) => e.accountId === accountId)?.result;
  if (!org || effective?.status !== 'ok') return { kind: 'none' };
  const setting = bpaAssignment(effective.value.content);
  if (!setting) return { kind: 'none' };
  const policies = policiesInForce(org, accountId, 'S3_POLICY').policies.filter(
    (p) => bpaAssignment(p.policy.content) === setting,
  );
  return {
    kind: 'set',
    setting,
    policies,
    evidence: [effective.evidence, ...policies.map((p) => p.policy.evidence)],
  };
}

function targetProse(t: PolicyInForce['attachedTo']): string {
  if (t.type === 'ROOT') return `the root (${t.id})`;
  if (t.type === 'ORGANIZATIONAL_UNIT') return `OU "${t.name}" (${t.id})`;
  return `the account itself`;
}

/** `S3 policy p-1 "BlockPublic" attached to the root (r-ab12)`, for each policy; or the effective policy. */
export function s3PolicyProse(org: Extract<OrgBlockPublicAccess, { kind: 'set' }>): string {
  if (org.policies.length === 0) return 'the effective organization S3 policy';
  return org.policies
    .map(
      (p) =>
        `organization S3 policy ${p.policy.id} "${p.policy.name}" attached to ${targetProse(p.attachedTo)}`,
    )
    .join(' and ');
}
