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

/** Probe results for every bucket policy and key policy that was read (`ok`). */
export interface PolicyAnalysis {
  /** Keyed by bucket ARN. */
  buckets: Record<string, PolicyProbeResults>;
  /** Keyed by `<accountId>|<region>|<key ARN>` (see {@link keyAnalysisId}). */
  keys: Record<string, PolicyProbeResults>;
}

/** The key under which a KMS key's policy analysis is stored. */
export function keyAnalysisId(accountId: string, region: string, keyArn: string): string {
  return `${accountId}|${region}|${keyArn}`;
}
