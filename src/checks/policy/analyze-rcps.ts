/**
 * The bucket probes judged against the resource control policies in force for the bucket's
 * account, with IAM semantics (iam-simulate's RCP evaluation: one level per root, OU and account,
 * RCPFullAWSAccess at every level). The result says, per probe, which RCP statements explicitly
 * deny it. The checks combine it with the bucket policy's own result: an explicit deny in either
 * denies the request, as in AWS's evaluation logic (RCPs only restrict; they never grant).
 */
import { anonymousPrincipal, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { BucketSnapshot } from '../../snapshot/model.ts';
import type { PolicyInForce } from '../../snapshot/organization.ts';
import { BUCKET_PROBES, PROBE_OBJECT_KEY, PROBE_PRINCIPAL_ARN, type Probe } from './probes.ts';
import { bucketNameOfArn, bucketPolicyTemplate, TEMPLATE_BUCKET } from './policy-template.ts';
import { customRcps, type RcpDeny, type RcpScope } from './rcp.ts';
import { analysisOf, statementLabel } from './simulation-results.ts';
import type { RcpProbeOutcome, RcpProbeResults } from './types.ts';

/** The simulator's input: one level per attachment target, root first, each with its documents. */
type Levels = Simulation['resourceControlPolicies'];

function levelsOf(policies: readonly PolicyInForce[], texts: ReadonlyMap<string, string>): Levels | string {
  const levels: Levels = [];
  for (const p of policies) {
    let doc: unknown;
    try {
      doc = JSON.parse(texts.get(p.policy.id) ?? p.policy.content);
    } catch (err) {
      return `resource control policy ${p.policy.id} is not valid JSON (${(err as Error).message})`;
    }
    let level = levels.find((l) => l.orgIdentifier === p.attachedTo.id);
    if (!level) {
      level = { orgIdentifier: p.attachedTo.id, policies: [] };
      levels.push(level);
    }
    level.policies.push({ name: p.policy.id, policy: doc });
  }
  return levels;
}

async function runRcpProbe(
  levels: Levels,
  probe: Probe,
  bucketArn: string,
  accountId: string,
): Promise<RcpProbeOutcome | string> {
  const resource = probe.target === 'bucket' ? bucketArn : `${bucketArn}/${PROBE_OBJECT_KEY}`;
  const simulation: Simulation = {
    request: {
      principal: probe.principal === 'anonymous' ? anonymousPrincipal : PROBE_PRINCIPAL_ARN,
      action: probe.action,
      resource: { resource, accountId },
      contextVariables: probe.context,
    },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: levels,
  };
  const result = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (result.resultType === 'error') return result.errors.message;
  const rcp = analysisOf(result)?.rcpAnalysis;
  if (!rcp) return 'the simulator returned no resource-control-policy analysis';
  const denies: RcpDeny[] = rcp.ouAnalysis.flatMap((level) =>
    level.denyStatements.map((s) => ({ policyId: s.policyId, statement: statementLabel(s.statement) })),
  );
  const unique = denies.filter(
    (d, i) => denies.findIndex((x) => x.policyId === d.policyId && x.statement === d.statement) === i,
  );
  return { decision: unique.length > 0 ? 'explicit-deny' : 'not-denied', denies: unique };
}

/** Run every probe against one set of RCP levels. */
async function analyzeLevels(
  levels: Levels,
  probes: readonly Probe[],
  bucketArn: string,
  accountId: string,
): Promise<RcpProbeResults> {
  const outcomes: Record<string, RcpProbeOutcome> = {};
  for (const probe of probes) {
    let outcome: RcpProbeOutcome | string;
    try {
      outcome = await runRcpProbe(levels, probe, bucketArn, accountId);
    } catch (err) {
      outcome = `the resource control policies could not be evaluated (${(err as Error).message})`;
    }
    if (typeof outcome === 'string') return { kind: 'invalid', message: outcome };
    outcomes[probe.name] = outcome;
  }
  return { kind: 'analyzed', probes: outcomes };
}

/**
 * Analyzes buckets against their account's RCPs. Buckets whose RCPs do not depend on the bucket's
 * name (see {@link bucketPolicyTemplate}) share one simulation per account and policy set.
 */
export interface RcpAnalyzer {
  /** The RCP results for a bucket, or undefined when no custom RCP is in force for its account. */
  analyze(bucket: BucketSnapshot, scope: RcpScope): Promise<RcpProbeResults | undefined>;
}

/** Create an {@link RcpAnalyzer} with its own cache (one per evaluation). */
export function createRcpAnalyzer(probes: readonly Probe[] = BUCKET_PROBES): RcpAnalyzer {
  const cache = new Map<string, Promise<RcpProbeResults>>();
  return {
    async analyze(bucket, scope) {
      const policies = customRcps(scope);
      if (policies.length === 0) return undefined;
      const name = bucketNameOfArn(bucket.arn);
      const partition = bucket.arn.split(':')[1] ?? 'aws';
      const templates = new Map<string, string>();
      let shared = name !== undefined;
      for (const p of policies) {
        const t = name === undefined ? undefined : bucketPolicyTemplate(p.policy.content, name);
        if (!t?.ok) shared = false;
        else templates.set(p.policy.id, t.text);
      }
      const arn = shared ? `arn:${partition}:s3:::${TEMPLATE_BUCKET}` : bucket.arn;
      const texts = shared ? templates : new Map<string, string>();
      const key = [
        bucket.accountId,
        arn,
        ...policies.map(
          (p) => `${p.attachedTo.id}\n${p.policy.id}\n${texts.get(p.policy.id) ?? p.policy.content}`,
        ),
      ].join('\n\n');
      let results = cache.get(key);
      if (!results) {
        const levels = levelsOf(policies, texts);
        results =
          typeof levels === 'string'
            ? Promise.resolve<RcpProbeResults>({ kind: 'invalid', message: levels })
            : analyzeLevels(levels, probes, arn, bucket.accountId);
        cache.set(key, results);
      }
      return results;
    },
  };
}
