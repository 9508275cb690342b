/**
 * Which resource control policies (RCPs) bear on a bucket's account, and how the report names
 * them. RCPs are attached to the root, OUs and accounts of an organization; every one on the path
 * of the account that owns a resource applies to requests to that resource. They never apply to
 * the management account.
 */
import type { EvidenceRef, Gap } from '../../snapshot/outcome.ts';
import {
  policiesInForce,
  type OrganizationSnapshot,
  type PolicyInForce,
} from '../../snapshot/organization.ts';

/** The RCPs that apply to one account's resources. */
export type RcpScope =
  /** No organization was read, the account is not in it, or it is the management account. */
  | { kind: 'none' }
  /**
   * The RCPs attached on the account's path. `unknown` lists the reads that make the list
   * incomplete (a path or listing gap, or an unread DescribeOrganization): an RCP the tool could
   * not see may deny what the bucket policy does not, so a fail must become insufficient evidence.
   */
  | { kind: 'in-force'; policies: PolicyInForce[]; unknown: Gap[] };

const NONE: RcpScope = { kind: 'none' };

/** The RCP scope of `accountId` in the snapshot's organization. */
export function rcpScope(org: OrganizationSnapshot | undefined, accountId: string): RcpScope {
  if (!org || !org.accounts.some((a) => a.id === accountId)) return NONE;
  const description = org.description;
  if (description.status === 'denied' || description.status === 'error') {
    // Without DescribeOrganization the management account (to which no RCP applies) is unknown.
    return { kind: 'in-force', policies: [], unknown: [description] };
  }
  if (description.status === 'ok' && description.value.managementAccountId === accountId) return NONE;
  const { policies, unknown } = policiesInForce(org, accountId, 'RESOURCE_CONTROL_POLICY');
  return { kind: 'in-force', policies, unknown };
}

/** The policies of a scope with a custom document (RCPFullAWSAccess allows everything). */
export function customRcps(scope: RcpScope): PolicyInForce[] {
  return scope.kind === 'in-force' ? scope.policies.filter((p) => !p.policy.awsManaged) : [];
}

/** One RCP statement that explicitly denied a probe (the policy id and the statement's label). */
export interface RcpDeny {
  policyId: string;
  statement: string;
}

function targetProse(t: PolicyInForce['attachedTo']): string {
  if (t.type === 'ROOT') return `the root (${t.id})`;
  if (t.type === 'ORGANIZATIONAL_UNIT') return `OU "${t.name}" (${t.id})`;
  return `account ${t.id}${t.name ? ` ("${t.name}")` : ''}`;
}

/**
 * `resource control policy p-1 "TlsOnly" (Sid "DenyHttp"), attached to OU "Workloads" (ou-…)`, one
 * clause per policy, joined with "and".
 */
export function rcpDeniesProse(denies: readonly RcpDeny[], scope: RcpScope): string {
  const byPolicy = new Map<string, Set<string>>();
  for (const d of denies) {
    const set = byPolicy.get(d.policyId) ?? new Set<string>();
    set.add(d.statement);
    byPolicy.set(d.policyId, set);
  }
  const inForce = scope.kind === 'in-force' ? scope.policies : [];
  const clauses = [...byPolicy].map(([id, statements]) => {
    const attached = inForce.filter((p) => p.policy.id === id);
    const name = attached[0]?.policy.name;
    const where = attached.map((p) => targetProse(p.attachedTo));
    const label = [...statements].join(', ');
    return `resource control policy ${id}${name ? ` "${name}"` : ''} (${label})${
      where.length > 0 ? `, attached to ${where.join(' and ')}` : ''
    }`;
  });
  return clauses.join(' and ');
}

/** The DescribePolicy evidence of the RCPs named in `denies`. */
export function rcpEvidence(denies: readonly RcpDeny[], scope: RcpScope): EvidenceRef[] {
  if (scope.kind !== 'in-force') return [];
  const ids = new Set(denies.map((d) => d.policyId));
  const refs = scope.policies.filter((p) => ids.has(p.policy.id)).map((p) => p.policy.evidence);
  return refs.filter((r, i) => refs.findIndex((x) => x.callId === r.callId && x.file === r.file) === i);
}
