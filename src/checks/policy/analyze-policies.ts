import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { Snapshot } from '../../snapshot/model.ts';
import { BUCKET_PROBES, KMS_PROBES, PROBE_OBJECT_KEY, PROBE_PRINCIPAL_ARN, type Probe } from './probes.ts';
import { keyAnalysisId, type PolicyAnalysis, type PolicyProbeResults, type ProbeOutcome } from './types.ts';
import { analyzeExternalAccess } from './analyze-external-access.ts';
import { analysisOf, statementLabel } from './simulation-results.ts';
import { bucketNameOfArn, bucketPolicyTemplate, TEMPLATE_BUCKET } from './policy-template.ts';
import { createRcpAnalyzer } from './analyze-rcps.ts';
import { rcpScope } from './rcp.ts';

/** The resource a probe targets, with the account that owns it. */
interface ProbeResource {
  bucketArn?: string;
  keyArn?: string;
  accountId: string;
}

function resourceArn(probe: Probe, res: ProbeResource): string {
  if (probe.target === 'key') return res.keyArn ?? '';
  const bucketArn = res.bucketArn ?? '';
  return probe.target === 'bucket' ? bucketArn : `${bucketArn}/${PROBE_OBJECT_KEY}`;
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
 * Analyzes bucket policies, simulating each policy template once: buckets whose policies differ
 * only in their own name (see {@link bucketPolicyTemplate}) share one simulation, whose statement
 * labels are given back each bucket's name. Invalid policies and policies that cannot be templated
 * are simulated as they are, so every message names the bucket's own policy.
 */
export interface BucketPolicyAnalyzer {
  analyze(text: string, bucketArn: string, accountId: string): Promise<PolicyProbeResults>;
  /** Simulations actually run (template or direct), for measurement. */
  readonly simulations: number;
}

/** Create a {@link BucketPolicyAnalyzer} with its own cache (one per evaluation). */
export function createBucketPolicyAnalyzer(probes: readonly Probe[] = BUCKET_PROBES): BucketPolicyAnalyzer {
  const probeSet = probes.map((p) => p.name).join('\n');
  const cache = new Map<string, Promise<PolicyProbeResults>>();
  let simulations = 0;
  const direct = (text: string, bucketArn: string, accountId: string) => {
    simulations++;
    return analyzePolicyText(text, probes, { bucketArn, accountId });
  };
  return {
    async analyze(text, bucketArn, accountId) {
      const name = bucketNameOfArn(bucketArn);
      const template = name === undefined ? undefined : bucketPolicyTemplate(text, name);
      if (name === undefined || !template?.ok) return direct(text, bucketArn, accountId);
      const partition = bucketArn.split(':')[1] ?? 'aws';
      const key = `${accountId}\n${partition}\n${probeSet}\n${template.text}`;
      let shared = cache.get(key);
      if (!shared) {
        simulations++;
        shared = analyzePolicyText(template.text, probes, {
          bucketArn: `arn:${partition}:s3:::${TEMPLATE_BUCKET}`,
          accountId,
        });
        cache.set(key, shared);
      }
      const results = await shared;
      if (results.kind === 'invalid') return direct(text, bucketArn, accountId);
      return withBucketName(results, name);
    },
    get simulations() {
      return simulations;
    },
  };
}

/** The template's results with the placeholder in statement labels replaced by the bucket's name. */
function withBucketName(
  results: Extract<PolicyProbeResults, { kind: 'analyzed' }>,
  name: string,
): PolicyProbeResults {
  const probes: Record<string, ProbeOutcome> = {};
  for (const [probe, outcome] of Object.entries(results.probes)) {
    probes[probe] = {
      decision: outcome.decision,
      statements: outcome.statements.map((label) => label.split(TEMPLATE_BUCKET).join(name)),
    };
  }
  return { kind: 'analyzed', probes };
}

/**
 * Evaluate every bucket policy and key policy in the snapshot against the probe requests.
 * Async because the simulator is; the result is plain data so the checks stay synchronous and pure.
 */
export async function analyzePolicies(snapshot: Snapshot): Promise<PolicyAnalysis> {
  const analysis: PolicyAnalysis = { buckets: {}, keys: {}, externalBuckets: {}, externalKeys: {} };
  const external = { buckets: analysis.externalBuckets ?? {}, keys: analysis.externalKeys ?? {} };
  const buckets = createBucketPolicyAnalyzer();
  const rcps = createRcpAnalyzer();
  const keyCache = new Map<string, Promise<PolicyProbeResults>>();
  for (const account of snapshot.accounts) {
    for (const bucket of account.buckets) {
      const rcp = await rcps.analyze(bucket, rcpScope(snapshot.organization, bucket.accountId));
      if (rcp) (analysis.rcpBuckets ??= {})[bucket.arn] = rcp;
      if (bucket.policy.status !== 'ok') continue;
      analysis.buckets[bucket.arn] = await buckets.analyze(
        bucket.policy.value.text,
        bucket.arn,
        bucket.accountId,
      );
      external.buckets[bucket.arn] = await analyzeExternalAccess(bucket.policy.value.text, {
        kind: 'bucket',
        arn: bucket.arn,
        accountId: bucket.accountId,
      });
    }
    for (const key of account.kmsKeys) {
      if (key.policy.status !== 'ok' || key.metadata.status !== 'ok') continue;
      const meta = key.metadata.value;
      // A key read in several regions or through several accounts' views is simulated once.
      const cacheKey = `${meta.arn}\n${meta.keyAccountId}\n${key.policy.value.text}`;
      let results = keyCache.get(cacheKey);
      if (!results) {
        results = analyzePolicyText(key.policy.value.text, KMS_PROBES, {
          keyArn: meta.arn,
          accountId: meta.keyAccountId,
        });
        keyCache.set(cacheKey, results);
      }
      const id = keyAnalysisId(key.accountId, key.region, meta.arn);
      analysis.keys[id] = await results;
      external.keys[id] = await analyzeExternalAccess(key.policy.value.text, {
        kind: 'key',
        arn: meta.arn,
        accountId: meta.keyAccountId,
      });
    }
  }
  return analysis;
}
