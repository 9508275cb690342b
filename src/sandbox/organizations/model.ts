/**
 * The sandbox's AWS Organization: one organization per sandbox (as one AWS account can belong to
 * one organization), its OU tree, member accounts, policies and their attachments, and delegated
 * administrators. The Organizations service (JSON 1.1) writes it; S3 reads it to enforce resource
 * control policies and S3 policies on the requests it serves; CloudTrail reads it to show an
 * organization trail in member accounts; AWS Config reads it for organization aggregators.
 */

/** Organization policy types the sandbox knows. */
export type SandboxPolicyType =
  | 'SERVICE_CONTROL_POLICY'
  | 'RESOURCE_CONTROL_POLICY'
  | 'S3_POLICY'
  | 'TAG_POLICY'
  | 'BACKUP_POLICY'
  | 'AISERVICES_OPT_OUT_POLICY';

/** ListAccounts `State`. */
export type SandboxAccountState =
  'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED' | 'PENDING_ACTIVATION';

export interface SandboxOrgAccount {
  id: string;
  name: string;
  email: string;
  state: SandboxAccountState;
  /** Root or OU id. */
  parentId: string;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: Date;
  /**
   * When CloseAccount was called: the account is PENDING_CLOSURE, then SUSPENDED a few minutes
   * later, then CLOSED after the 90-day post-closure period (see `accountStateAt`).
   */
  closureRequestedAt?: Date | undefined;
}

export interface SandboxOrgUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface SandboxOrgPolicy {
  id: string;
  name: string;
  description: string;
  type: SandboxPolicyType;
  /** The policy document, verbatim JSON text. */
  content: string;
  awsManaged: boolean;
}

export interface SandboxOrganization {
  id: string;
  managementAccountId: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  rootId: string;
  /** Policy types enabled on the root. */
  enabledPolicyTypes: Set<SandboxPolicyType>;
  units: Map<string, SandboxOrgUnit>;
  accounts: Map<string, SandboxOrgAccount>;
  policies: Map<string, SandboxOrgPolicy>;
  /** Policy id → target ids (root, OU or account ids). */
  attachments: Map<string, Set<string>>;
  /** Account id → service principals it is delegated administrator for. */
  delegatedAdministrators: Map<string, Set<string>>;
  /** When each account was first registered as a delegated administrator. */
  delegatedSince?: Map<string, Date> | undefined;
  /** CreateAccount requests by request id (`car-…`), for DescribeCreateAccountStatus. */
  createAccountRequests?: Map<string, SandboxCreateAccountRequest> | undefined;
}

/** One CreateAccount request and its outcome. */
export interface SandboxCreateAccountRequest {
  id: string;
  accountName: string;
  accountId: string;
  requestedAt: Date;
}

/** Minutes an account stays PENDING_CLOSURE after CloseAccount before it is SUSPENDED. */
export const PENDING_CLOSURE_MS = 5 * 60_000;
/** The post-closure period after which a closed account is CLOSED for good. */
export const POST_CLOSURE_MS = 90 * 24 * 60 * 60_000;

/** The account's `State` at `now`: closure moves it on with time, as AWS does in the background. */
export function accountStateAt(account: SandboxOrgAccount, now: Date): SandboxAccountState {
  const requested = account.closureRequestedAt;
  if (!requested) return account.state;
  const elapsed = now.getTime() - requested.getTime();
  if (elapsed >= POST_CLOSURE_MS) return 'CLOSED';
  if (elapsed >= PENDING_CLOSURE_MS) return 'SUSPENDED';
  return 'PENDING_CLOSURE';
}

/** The organization `accountId` is an ACTIVE-or-not member of, if any. */
export function organizationOf(
  org: SandboxOrganization | undefined,
  accountId: string,
): SandboxOrganization | undefined {
  return org?.accounts.has(accountId) ? org : undefined;
}

/** Root first, down to the account's direct parent. */
export function pathOf(org: SandboxOrganization, accountId: string): string[] {
  const path: string[] = [];
  let parent = org.accounts.get(accountId)?.parentId;
  while (parent !== undefined) {
    path.unshift(parent);
    parent = parent === org.rootId ? undefined : org.units.get(parent)?.parentId;
  }
  return path;
}

/**
 * Policies of `type` in force for `accountId`: attached to its root, an OU on its path or the
 * account itself, when the type is enabled on the root. AWS-managed full-access policies are
 * included like any other (their content allows everything).
 */
export function sandboxPoliciesInForce(
  org: SandboxOrganization | undefined,
  accountId: string,
  type: SandboxPolicyType,
): SandboxOrgPolicy[] {
  const member = organizationOf(org, accountId);
  if (!member || !member.enabledPolicyTypes.has(type)) return [];
  const targets = new Set([...pathOf(member, accountId), accountId]);
  const inForce: SandboxOrgPolicy[] = [];
  for (const [policyId, attachedTo] of member.attachments) {
    const policy = member.policies.get(policyId);
    if (!policy || policy.type !== type) continue;
    if ([...attachedTo].some((t) => targets.has(t))) inForce.push(policy);
  }
  return inForce;
}
