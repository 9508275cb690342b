import {
  anonymousPrincipal,
  runSimulation,
  type RequestAnalysis,
  type RunSimulationResults,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import type { Snapshot } from '../snapshot/model.ts';
import {
  BUCKET_PROBES,
  KMS_PROBES,
  PROBE_OBJECT_KEY,
  PROBE_PRINCIPAL_ARN,
  type Probe,
} from '../checks/policy/probes.ts';
import {
  keyAnalysisId,
  type PolicyAnalysis,
  type PolicyProbeResults,
  type ProbeOutcome,
} from '../checks/policy/types.ts';

/** The resource a probe targets, with the account that owns it. */
interface ProbeResource {
  bucketArn?: string;
  keyArn?: string;
  accountId: string;
}

/** `Sid "X"` when the statement has a Sid, else `statement #N` (1-based, document order). */
function statementLabel(statement: { sid(): string | undefined; index(): number }): string {
  const sid = statement.sid();
  return sid ? `Sid "${sid}"` : `statement #${statement.index()}`;
}

function resourceArn(probe: Probe, res: ProbeResource): string {
  if (probe.target === 'key') return res.keyArn ?? '';
  const bucketArn = res.bucketArn ?? '';
  return probe.target === 'bucket' ? bucketArn : `${bucketArn}/${PROBE_OBJECT_KEY}`;
}

function analysisOf(result: RunSimulationResults): RequestAnalysis | undefined {
  if (result.resultType === 'single') return result.result.analysis;
  if (result.resultType === 'wildcard') return result.results[0]?.analysis;
  return undefined;
}

/**
 * Judge one probe against one resource policy. Only the resource policy is considered: there are
 * no identity policies, so an `Allowed` result means the resource policy alone grants access to a
 * principal outside the account (or to anyone, for the anonymous probe).
 */
async function runProbe(policy: unknown, probe: Probe, res: ProbeResource): Promise<ProbeOutcome | string> {
  const simulation: Simulation = {
    request: {
      principal: probe.principal === 'anonymous' ? anonymousPrincipal : PROBE_PRINCIPAL_ARN,
      action: probe.action,
      resource: { resource: resourceArn(probe, res), accountId: res.accountId },
      contextVariables: probe.context,
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policy,
  };
  const result = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (result.resultType === 'error') return result.errors.message;
  const analysis = analysisOf(result);
  const resource = analysis?.resourceAnalysis;
  if (!resource) return 'the simulator returned no resource-policy analysis';
  if (resource.result === 'ExplicitlyDenied') {
    return {
      decision: 'explicit-deny',
      statements: resource.denyStatements.map((s) => statementLabel(s.statement)),
    };
  }
  if (resource.result === 'Allowed') {
    return {
      decision: 'allowed',
      statements: resource.allowStatements.map((s) => statementLabel(s.statement)),
    };
  }
  return { decision: 'implicit-deny', statements: [] };
}

/** Run every probe against one policy document text. */
export async function analyzePolicyText(
  text: string,
  probes: readonly Probe[],
  res: ProbeResource,
): Promise<PolicyProbeResults> {
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', message: `the policy is not valid JSON (${(err as Error).message})` };
  }
  const outcomes: Record<string, ProbeOutcome> = {};
  for (const probe of probes) {
    let outcome: ProbeOutcome | string;
    try {
      outcome = await runProbe(policy, probe, res);
    } catch (err) {
      outcome = `the policy could not be evaluated (${(err as Error).message})`;
    }
    if (typeof outcome === 'string') return { kind: 'invalid', message: outcome };
    outcomes[probe.name] = outcome;
  }
  return { kind: 'analyzed', probes: outcomes };
}

/**
 * Evaluate every bucket policy and key policy in the snapshot against the probe requests.
 * Async because the simulator is; the result is plain data so the checks stay synchronous and pure.
 */
export async function analyzePolicies(snapshot: Snapshot): Promise<PolicyAnalysis> {
  const analysis: PolicyAnalysis = { buckets: {}, keys: {} };
  for (const account of snapshot.accounts) {
    for (const bucket of account.buckets) {
      if (bucket.policy.status !== 'ok') continue;
      analysis.buckets[bucket.arn] = await analyzePolicyText(bucket.policy.value.text, BUCKET_PROBES, {
        bucketArn: bucket.arn,
        accountId: bucket.accountId,
      });
    }
    for (const key of account.kmsKeys) {
      if (key.policy.status !== 'ok' || key.metadata.status !== 'ok') continue;
      const meta = key.metadata.value;
      analysis.keys[keyAnalysisId(key.accountId, key.region, meta.arn)] = await analyzePolicyText(
        key.policy.value.text,
        KMS_PROBES,
        { keyArn: meta.arn, accountId: meta.keyAccountId },
      );
    }
  }
  return analysis;
}
