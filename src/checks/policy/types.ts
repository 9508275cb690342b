/**
 * Pure-data results of evaluating resource policies against probe requests. Produced once per
 * evaluation by `analyzePolicies` (`analyze-policies.ts`), read by the policy checks.
 */

/** How the policy decided one probe request. */
export type ProbeDecision = 'allowed' | 'explicit-deny' | 'implicit-deny';

/** The outcome of one probe request against one policy. */
export interface ProbeOutcome {
  decision: ProbeDecision;
  /** Labels of the statements that decided (`Sid "X"` or `statement #N`), deny or allow as relevant. */
  statements: string[];
}

/** All probes run against one policy, keyed by probe name (see probes.ts). */
export type PolicyProbeResults =
  | { kind: 'analyzed'; probes: Record<string, ProbeOutcome> }
  /** The policy text could not be parsed or was rejected by the simulator. */
  | { kind: 'invalid'; message: string };

/** What a resource policy grants one principal of another account (see external-access.ts). */
export interface ExternalGrant {
  /** As the report names it: `account 444455556666`, a role ARN, `any principal of organization o-…`. */
  principal: string;
  /** The principal's account, for account and ARN principals. */
  accountId?: string | undefined;
  /** The organization of an `aws:PrincipalOrgID`-conditioned `"*"` grant. */
  orgId?: string | undefined;
  /** The simulated actions the policy allows it. */
  actions: string[];
  /** Labels of the statements that allowed them. */
  statements: string[];
}

/** Grants a policy makes to principals of other accounts than the resource owner's. */
export type ExternalAccessResults =
  { kind: 'analyzed'; grants: ExternalGrant[] } | { kind: 'invalid'; message: string };

/** How the resource control policies in force decided one probe request. */
export interface RcpProbeOutcome {
  decision: 'explicit-deny' | 'not-denied';
  /** The RCP statements that explicitly denied it (policy id and statement label). */
  denies: { policyId: string; statement: string }[];
}

/** All probes run against the RCPs in force for one bucket's account. */
export type RcpProbeResults =
  | { kind: 'analyzed'; probes: Record<string, RcpProbeOutcome> }
  /** An RCP document could not be parsed or was rejected by the simulator. */
  | { kind: 'invalid'; message: string };

/** Probe results for every bucket policy and key policy that was read (`ok`). */
export interface PolicyAnalysis {
  /** Keyed by bucket ARN. */
  buckets: Record<string, PolicyProbeResults>;
  /** Keyed by `<accountId>|<region>|<key ARN>` (see {@link keyAnalysisId}). */
  keys: Record<string, PolicyProbeResults>;
  /** Grants to other accounts per bucket policy, keyed by bucket ARN. */
  externalBuckets?: Record<string, ExternalAccessResults> | undefined;
  /** Grants to other accounts per key policy, keyed like `keys`. */
  externalKeys?: Record<string, ExternalAccessResults> | undefined;
  /**
   * The bucket probes against the RCPs in force, keyed by bucket ARN: only buckets whose account
   * has a custom RCP in force (whatever the bucket policy's outcome).
   */
  rcpBuckets?: Record<string, RcpProbeResults> | undefined;
}

/** The key under which a KMS key's policy analysis is stored. */
export function keyAnalysisId(accountId: string, region: string, keyArn: string): string {
  return `${accountId}|${region}|${keyArn}`;
}
