import type { AccountSnapshot, BucketSnapshot, ConfigEvaluation } from '../../snapshot/model.ts';
import type { CheckDefinition, CheckResult, EvaluationContext } from '../types.ts';
import {
  bucketResource,
  dedupe,
  gapVerdict,
  toResult,
  verdict,
  type BucketJudge,
  type Verdict,
} from '../support.ts';
import { judgeDefaultEncryption } from '../s3/default-encryption.ts';
import { judgePublicAccess } from '../s3/not-public.ts';
import { judgeTlsOnly } from '../s3/tls-only.ts';
import { managedRules } from './rules-present.ts';
import type { EvidenceRef } from '../../snapshot/outcome.ts';

const ID = 'config.rule-compliant';

/** This tool's own check of exactly the property a managed rule judges (public read and write apart). */
const OWN_CHECK: Record<string, { id: string; property: string; judge: BucketJudge }> = {
  S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: {
    id: 's3.default-encryption',
    property: 'default encryption',
    judge: judgeDefaultEncryption,
  },
  S3_BUCKET_PUBLIC_READ_PROHIBITED: {
    id: 's3.not-public',
    property: 'public read access',
    judge: (b, a, ctx) => judgePublicAccess(b, a, ctx, 'read'),
  },
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: {
    id: 's3.not-public',
    property: 'public write access',
    judge: (b, a, ctx) => judgePublicAccess(b, a, ctx, 'write'),
  },
  S3_BUCKET_SSL_REQUESTS_ONLY: { id: 's3.tls-only', property: 'TLS-only access', judge: judgeTlsOnly },
};

/** What AWS Config says about one bucket under one managed rule. */
export type ConfigResult =
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'found'; rule: string; evaluation: ConfigEvaluation; evidence: EvidenceRef[] }
  | { kind: 'none'; evaluation?: ConfigEvaluation | undefined; evidence: EvidenceRef[] };

/** A bucket's result under a managed rule that this tool's own check of the same property contradicts. */
export interface RuleContradiction {
  identifier: string;
  rule: string;
  evaluation: ConfigEvaluation;
  configEvidence: EvidenceRef[];
  own: { checkId: string; property: string; verdict: Verdict };
}

function dated(e: ConfigEvaluation): string {
  return e.resultRecordedTime ? ` (evaluated ${e.resultRecordedTime})` : '';
}

/** The Config result for one bucket under one managed rule, or the verdict when there is none to read. */
export function configResultOf(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  identifier: string,
): ConfigResult {
  const region = account.config.find((c) => c.region === bucket.region);
  if (!region)
    return {
      kind: 'verdict',
      verdict: verdict(
        'insufficient-evidence',
        `AWS Config was not read in ${bucket.region}, so ${identifier} has no result for the bucket.`,
        [],
      ),
    };
  const rules = region.rules;
  if (rules.status === 'denied' || rules.status === 'error')
    return { kind: 'verdict', verdict: gapVerdict(`the ${identifier} rule`, rules) };
  const names = new Set(
    managedRules(rules.status === 'ok' ? rules.value : [], identifier).map((r) => r.name),
  );
  if (names.size === 0) {
    return {
      kind: 'verdict',
      verdict: verdict(
        'not-applicable',
        `No AWS Config rule for ${identifier} exists in ${bucket.region}; that is config.rules-present's failure for AWS Config ${bucket.region}, not a result for the bucket.`,
        [rules.evidence],
      ),
    };
  }
  const resultSets = region.results.filter((r) => r.sourceIdentifier === identifier && names.has(r.ruleName));
  if (resultSets.length === 0) {
    return {
      kind: 'verdict',
      verdict: verdict(
        'insufficient-evidence',
        `The results of the AWS Config rule for ${identifier} in ${bucket.region} were not collected, so there is no result for the bucket.`,
        [rules.evidence],
      ),
    };
  }
  const evidence: EvidenceRef[] = [rules.evidence];
  const found: { rule: string; e: ConfigEvaluation }[] = [];
  for (const set of resultSets) {
    const ev = set.evaluations;
    evidence.push(ev.evidence);
    if (ev.status === 'denied' || ev.status === 'error')
      return { kind: 'verdict', verdict: gapVerdict(`rule "${set.ruleName}" results`, ev, dedupe(evidence)) };
    if (ev.status !== 'ok') continue;
    for (const e of ev.value) {
      if (e.resourceType === 'AWS::S3::Bucket' && e.resourceId === bucket.name)
        found.push({ rule: set.ruleName, e });
    }
  }
  const refs = dedupe(evidence);
  const decided =
    found.find((f) => f.e.complianceType === 'NON_COMPLIANT') ??
    found.find((f) => f.e.complianceType === 'COMPLIANT');
  if (decided) return { kind: 'found', rule: decided.rule, evaluation: decided.e, evidence: refs };
  return { kind: 'none', evaluation: found[0]?.e, evidence: refs };
}

/**
 * Whether this tool's own check of the property the rule judges contradicts AWS Config's verdict:
 * Config COMPLIANT while our check fails, or NON_COMPLIANT while it passes. Only a check covering
 * exactly what the rule covers is compared.
 */
export function ruleContradiction(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  identifier: string,
  ctx: EvaluationContext,
  result: ConfigResult = configResultOf(bucket, account, identifier),
): RuleContradiction | undefined {
  const own = OWN_CHECK[identifier];
  if (!own || result.kind !== 'found') return undefined;
  const compliant = result.evaluation.complianceType === 'COMPLIANT';
  const ours = own.judge(bucket, account, ctx);
  if ((compliant && ours.status === 'fail') || (!compliant && ours.status === 'pass')) {
    return {
      identifier,
      rule: result.rule,
      evaluation: result.evaluation,
      configEvidence: result.evidence,
      own: { checkId: own.id, property: own.property, verdict: ours },
    };
  }
  return undefined;
}

/** Judge one bucket against one required managed rule. */
export function judgeRuleCompliance(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  identifier: string,
  ctx: EvaluationContext,
): Verdict {
  const result = configResultOf(bucket, account, identifier);
  if (result.kind === 'verdict') return result.verdict;
  if (result.kind === 'none') {
    // The results were read: Config itself gives no verdict. That is not an evidence gap.
    const other = result.evaluation;
    if (other?.complianceType === 'NOT_APPLICABLE')
      return verdict(
        'not-applicable',
        `AWS Config rule for ${identifier} reports NOT_APPLICABLE${dated(other)} for the bucket.`,
        result.evidence,
      );
    const what = other
      ? `reports ${other.complianceType}${dated(other)}`
      : 'has no result (the rule does not evaluate it, or has not yet)';
    return verdict(
      'fail',
      `AWS Config rule for ${identifier} ${what} for the bucket, so AWS Config does not monitor the bucket for it.`,
      result.evidence,
    );
  }
  const { rule, evaluation: e } = result;
  const said = `AWS Config rule "${rule}" (${identifier}) reports the bucket ${e.complianceType}${dated(e)}`;
  const c = ruleContradiction(bucket, account, identifier, ctx, result);
  if (c) {
    const ours = c.own.verdict.status === 'fail' ? 'fails' : 'passes';
    return verdict(
      'fail',
      `${said}, but this tool's own ${c.own.checkId} check of ${c.own.property} ${ours} on the same bucket: the sources contradict each other (see Cross-checks), so Config's verdict cannot be relied on.`,
      dedupe([...result.evidence, ...c.own.verdict.evidence]),
    );
  }
  return verdict(e.complianceType === 'NON_COMPLIANT' ? 'fail' : 'pass', `${said}.`, result.evidence);
}

/** `config.rule-compliant`: per bucket and required rule, AWS Config reports COMPLIANT. */
export const ruleCompliant: CheckDefinition = {
  id: ID,
  title: 'AWS Config reports the bucket compliant',
  severity: 'medium',
  criteria: ['CC6.6', 'CC7.1'],
  description:
    "Per bucket, per required managed rule: the result is COMPLIANT and this tool's own check of the same property agrees; NON_COMPLIANT or no result fails.",
  reads: ['config:DescribeConfigRules', 'config:GetComplianceDetailsByConfigRule'],
  method:
    "Per bucket and required managed rule: NON_COMPLIANT fails, and so does no result for the bucket or INSUFFICIENT_DATA (Config does not monitor it); Config's NOT_APPLICABLE is not applicable; COMPLIANT passes unless this tool's own check of the same property (public read or public write, encryption, TLS) fails on the bucket, which makes it a contradiction (listed under Cross-checks) and a fail; a rule that does not exist is not applicable here (config.rules-present fails for it); a denied or failed read is insufficient evidence.",
  evaluate: (ctx) =>
    ctx.snapshot.accounts.flatMap((account) =>
      account.buckets.flatMap((bucket): CheckResult[] =>
        ctx.requiredConfigRules.map((identifier) => {
          const res = toResult(
            ID,
            bucketResource(bucket),
            judgeRuleCompliance(bucket, account, identifier, ctx),
          );
          return res;
        }),
      ),
    ),
};
