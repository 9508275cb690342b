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
      /**
       * Attached S3 policies that assign the other value, above the ones that decide: a child
       * policy's `@@assign` replaced theirs (an exemption from an organization-wide "all", say).
       */
      overridden: PolicyInForce[];
      /**
       * Attached S3 policies that assign the other value below the ones that decide: a parent
       * restricted the operators child policies may use, so they have no effect.
       */
      ignored: PolicyInForce[];
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
  const inForce = policiesInForce(org, accountId, 'S3_POLICY').policies;
  const policies = inForce.filter((p) => bpaAssignment(p.policy.content) === setting);
  // Root first: the deepest policy that assigns the effective value is the one that decides.
  const decidedAt = inForce.findLastIndex((p) => bpaAssignment(p.policy.content) === setting);
  const other = (p: PolicyInForce) => {
    const v = bpaAssignment(p.policy.content);
    return v !== undefined && v !== setting;
  };
  const overridden = inForce.filter((p, i) => other(p) && i < decidedAt);
  const ignored = inForce.filter((p, i) => other(p) && i > decidedAt);
  return {
    kind: 'set',
    setting,
    policies,
    overridden,
    ignored,
    evidence: [effective.evidence, ...[...policies, ...overridden, ...ignored].map((p) => p.policy.evidence)],
  };
}

function targetProse(t: PolicyInForce['attachedTo']): string {
  if (t.type === 'ROOT') return `the root (${t.id})`;
  if (t.type === 'ORGANIZATIONAL_UNIT') return `OU "${t.name}" (${t.id})`;
  return `the account itself`;
}

function policiesProse(policies: PolicyInForce[]): string {
  return policies
    .map(
      (p) =>
        `organization S3 policy ${p.policy.id} "${p.policy.name}" attached to ${targetProse(p.attachedTo)}`,
    )
    .join(' and ');
}

/** `organization S3 policy p-1 "BlockPublic" attached to the root (r-ab12)`, for each policy that decides; or the effective policy. */
export function s3PolicyDeciding(org: Extract<OrgBlockPublicAccess, { kind: 'set' }>): string {
  return org.policies.length === 0 ? 'the effective organization S3 policy' : policiesProse(org.policies);
}

/**
 * The S3 policies with the other value: `, overriding organization S3 policy p-2 "…" attached to
 * the root (r-ab12) ("all")` (an exemption), or those that have no effect; empty when none.
 */
export function s3PolicyOverrides(org: Extract<OrgBlockPublicAccess, { kind: 'set' }>): string {
  const other = org.setting === 'all' ? 'none' : 'all';
  const overriding =
    org.overridden.length > 0 ? `, overriding ${policiesProse(org.overridden)} ("${other}")` : '';
  const ignored =
    org.ignored.length > 0
      ? `, while ${policiesProse(org.ignored)} ("${other}") has no effect (a parent restricts the operators child policies may use)`
      : '';
  return `${overriding}${ignored}`;
}

/** The deciding S3 policies and the ones they override, in a phrase. */
export function s3PolicyProse(org: Extract<OrgBlockPublicAccess, { kind: 'set' }>): string {
  return `${s3PolicyDeciding(org)}${s3PolicyOverrides(org)}`;
}

/** Short form for a table cell: `"none" (account, overrides root "all")`, `"all" (root)`. */
export function s3PolicyBrief(org: OrgBlockPublicAccess): string | undefined {
  if (org.kind !== 'set') return undefined;
  const where = (p: PolicyInForce) =>
    p.attachedTo.type === 'ROOT'
      ? 'root'
      : p.attachedTo.type === 'ORGANIZATIONAL_UNIT'
        ? `OU ${p.attachedTo.name}`
        : 'account';
  const from = org.policies.at(-1);
  const over = org.overridden.at(-1);
  const other = org.setting === 'all' ? 'none' : 'all';
  return `"${org.setting}"${from ? ` (${where(from)}${over ? `, overrides ${where(over)} "${other}"` : ''})` : ''}`;
}
