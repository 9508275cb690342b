import type { EvidenceRef, Gap, Outcome } from './outcome.ts';

/**
 * What was read of the AWS Organization the accounts belong to: the account population (every
 * account, read or not, with why), the OU tree, and the organization policies that bear on the
 * checks (resource control policies, service control policies, S3 policies) with where each is
 * attached. Present in a snapshot only when the config sets `organization.roleName`.
 */
export interface OrganizationSnapshot {
  /** DescribeOrganization, as seen from the account the organization was read from. */
  description: Outcome<OrganizationDescription>;
  /** The account the organization was read from (management account or a delegated administrator). */
  readFromAccountId: string;
  /** The role assumed in each member account (`arn:<partition>:iam::<id>:role/<roleName>`). */
  roleName: string;
  /** ListAccounts (every page). A gap here means the population itself is unknown. */
  accountListing: Outcome<{ count: number }>;
  /** Every account ListAccounts returned, in account-id order. */
  accounts: OrganizationAccount[];
  /** ListRoots. */
  roots: Outcome<OrganizationRoot[]>;
  /** Every OU found walking the tree (ListOrganizationalUnitsForParent from each root, every page). */
  organizationalUnits: OrganizationalUnit[];
  /** Each distinct policy attached anywhere on an in-scope account's path, described once. */
  policies: OrganizationPolicy[];
  /**
   * ListPoliciesForTarget for each target (root, OU, account) on the path of an in-scope account,
   * per policy type: which policies are attached there.
   */
  attachments: PolicyTargetListing[];
  /** DescribeEffectivePolicy (`S3_POLICY`) per read account. */
  effectiveS3Policies: { accountId: string; result: Outcome<{ content: string }> }[];
}

/** DescribeOrganization's fields the pack uses. */
export interface OrganizationDescription {
  id: string;
  arn: string;
  managementAccountId: string;
  /** `ALL` or `CONSOLIDATED_BILLING` (policies need `ALL`). */
  featureSet: string;
}

/** A root of the organization, with the policy types enabled on it. */
export interface OrganizationRoot {
  id: string;
  arn: string;
  name: string;
  /** `PolicyTypes` of the root: e.g. `{ type: 'RESOURCE_CONTROL_POLICY', status: 'ENABLED' }`. */
  policyTypes: { type: string; status: string }[];
}

/** One organizational unit. */
export interface OrganizationalUnit {
  id: string;
  arn: string;
  name: string;
  /** The root or OU it sits under. */
  parentId: string;
}

/** A node on an account's path from its root down to the account's direct parent. */
export interface OrganizationPathNode {
  id: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT';
  name: string;
}

/** One account of the organization as ListAccounts returned it, and whether the run read it. */
export interface OrganizationAccount {
  id: string;
  arn: string;
  name: string;
  email?: string | undefined;
  /** ListAccounts `State` (`ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, `PENDING_ACTIVATION`). */
  state: string;
  joinedMethod?: string | undefined;
  joinedTimestamp?: string | undefined;
  /**
   * Root first, down to the direct parent (ListParents, walked up). A gap when a parent could not
   * be read: then the account's OU membership and the policies above it are unknown.
   */
  path: Outcome<OrganizationPathNode[]>;
  coverage: AccountCoverage;
}

/** Why an account was not read. */
export type NotReadReason =
  /** `State` is not ACTIVE. */
  | 'suspended'
  | 'pending-closure'
  | 'closed'
  | 'pending-activation'
  /** Listed in `organization.excludeAccounts`. */
  | 'excluded'
  /** Not under any OU listed in `organization.ous`. */
  | 'outside-ous';

/** Whether an organization account was read, and if not, why. */
export type AccountCoverage =
  /** Read: as the caller (its own account) or through the organization role. */
  | { status: 'read'; via: 'caller' | 'role'; roleArn?: string | undefined }
  /** Deliberately not read; `detail` is the sentence shown in the report and accounts.csv. */
  | { status: 'not-read'; reason: NotReadReason; detail: string }
  /** Should have been read, but the role could not be assumed: an evidence gap. */
  | { status: 'gap'; roleArn: string; gap: Gap };

/** The organization policy types the pack reads. */
export type OrganizationPolicyType = 'RESOURCE_CONTROL_POLICY' | 'SERVICE_CONTROL_POLICY' | 'S3_POLICY';

/** DescribePolicy: one policy with its document, verbatim. */
export interface OrganizationPolicy {
  id: string;
  arn: string;
  name: string;
  type: OrganizationPolicyType;
  awsManaged: boolean;
  description?: string | undefined;
  /** The policy document as DescribePolicy returned it (JSON text). */
  content: string;
  evidence: EvidenceRef;
}

/** ListPoliciesForTarget for one target and policy type. */
export interface PolicyTargetListing {
  targetId: string;
  targetType: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
  policyType: OrganizationPolicyType;
  result: Outcome<{ policyIds: string[] }>;
}

/** A policy in force for an account, and the target (root, OU or the account) it is attached to. */
export interface PolicyInForce {
  policy: OrganizationPolicy;
  attachedTo: { id: string; type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT'; name: string };
}

/**
 * The policies of `type` in force for `accountId`: those attached to its root, each OU on its path
 * and the account itself. `unknown` lists the gaps that make the answer incomplete (a path or a
 * listing that could not be read); a caller must not treat an incomplete list as "none".
 */
export function policiesInForce(
  org: OrganizationSnapshot,
  accountId: string,
  type: OrganizationPolicyType,
): { policies: PolicyInForce[]; unknown: Gap[] } {
  const account = org.accounts.find((a) => a.id === accountId);
  if (!account) return { policies: [], unknown: [] };
  if (account.path.status === 'denied' || account.path.status === 'error') {
    return { policies: [], unknown: [account.path] };
  }
  const nodes: PolicyInForce['attachedTo'][] =
    account.path.status === 'ok'
      ? account.path.value.map((n) => ({ id: n.id, type: n.type, name: n.name }))
      : [];
  nodes.push({ id: account.id, type: 'ACCOUNT', name: account.name });
  const policies: PolicyInForce[] = [];
  const unknown: Gap[] = [];
  for (const node of nodes) {
    const listing = org.attachments.find((l) => l.targetId === node.id && l.policyType === type);
    if (!listing) continue;
    if (listing.result.status === 'denied' || listing.result.status === 'error') {
      unknown.push(listing.result);
      continue;
    }
    if (listing.result.status !== 'ok') continue;
    for (const id of listing.result.value.policyIds) {
      const policy = org.policies.find((p) => p.id === id);
      if (policy) policies.push({ policy, attachedTo: node });
    }
  }
  return { policies, unknown };
}
