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
import { judgeNotPublic } from '../s3/not-public.ts';
import { judgeTlsOnly } from '../s3/tls-only.ts';
import { judgeSseKmsCmk } from '../s3/sse-kms-cmk.ts';
import { managedRules } from './rules-present.ts';
import type { EvidenceRef } from '../../aws/outcome.ts';

const ID = 'config.rule-compliant';

/** Our own check of the property a managed rule judges, used to spot contradictions. */
const OWN_CHECK: Record<string, { id: string; judge: BucketJudge }> = {
  S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: { id: 's3.default-encryption', judge: judgeDefaultEncryption },
  S3_BUCKET_PUBLIC_READ_PROHIBITED: { id: 's3.not-public', judge: judgeNotPublic },
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: { id: 's3.not-public', judge: judgeNotPublic },
  S3_BUCKET_SSL_REQUESTS_ONLY: { id: 's3.tls-only', judge: judgeTlsOnly },
  S3_DEFAULT_ENCRYPTION_KMS: { id: 's3.sse-kms-cmk', judge: judgeSseKmsCmk },
};

function contradiction(
  identifier: string,
  configCompliant: boolean,
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  ctx: EvaluationContext,
): string {
  const own = OWN_CHECK[identifier];
  if (!own) return '';
  const ours = own.judge(bucket, account, ctx).status;
  if (configCompliant && ours === 'fail') {
    return ` This contradicts our own ${own.id} check, which fails: the Config evaluation may be stale or the rule's scope may miss the bucket.`;
  }
  if (!configCompliant && ours === 'pass') {
    return ` This contradicts our own ${own.id} check, which passes: the Config evaluation may be stale.`;
  }
  return '';
}

function dated(e: ConfigEvaluation): string {
  return e.resultRecordedTime ? ` (evaluated ${e.resultRecordedTime})` : '';
}

/** Judge one bucket against one required managed rule. */
export function judgeRuleCompliance(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  identifier: string,
  ctx: EvaluationContext,
): Verdict {
  const region = account.config.find((c) => c.region === bucket.region);
  if (!region)
    return verdict(
      'insufficient-evidence',
      `AWS Config was not read in ${bucket.region}, so ${identifier} has no result for the bucket.`,
      [],
    );
  const rules = region.rules;
  if (rules.status === 'denied' || rules.status === 'error')
    return gapVerdict(`the ${identifier} rule`, rules);
  const names = new Set(
    managedRules(rules.status === 'ok' ? rules.value : [], identifier).map((r) => r.name),
  );
  const resultSets = region.results.filter((r) => r.sourceIdentifier === identifier && names.has(r.ruleName));
  if (names.size === 0) {
    return verdict(
      'insufficient-evidence',
      `No AWS Config rule for ${identifier} exists in ${bucket.region}, so there is no result for the bucket.`,
      [rules.evidence],
    );
  }
  if (resultSets.length === 0) {
    return verdict(
      'insufficient-evidence',
      `The results of the AWS Config rule for ${identifier} in ${bucket.region} were not collected, so there is no result for the bucket.`,
      [rules.evidence],
    );
  }
  const evidence: EvidenceRef[] = [rules.evidence];
  const found: { rule: string; e: ConfigEvaluation }[] = [];
  for (const set of resultSets) {
    const ev = set.evaluations;
    evidence.push(ev.evidence);
    if (ev.status === 'denied' || ev.status === 'error')
      return gapVerdict(`rule "${set.ruleName}" results`, ev, dedupe(evidence));
    if (ev.status !== 'ok') continue;
    for (const e of ev.value) {
      if (e.resourceType === 'AWS::S3::Bucket' && e.resourceId === bucket.name)
        found.push({ rule: set.ruleName, e });
    }
  }
  const refs = dedupe(evidence);
  const bad = found.find((f) => f.e.complianceType === 'NON_COMPLIANT');
  if (bad) {
    return verdict(
      'fail',
      `AWS Config rule "${bad.rule}" (${identifier}) reports the bucket NON_COMPLIANT${dated(bad.e)}.${contradiction(identifier, false, bucket, account, ctx)}`,
      refs,
    );
  }
  const good = found.find((f) => f.e.complianceType === 'COMPLIANT');
  if (good) {
    return verdict(
      'pass',
      `AWS Config rule "${good.rule}" (${identifier}) reports the bucket COMPLIANT${dated(good.e)}.${contradiction(identifier, true, bucket, account, ctx)}`,
      refs,
    );
  }
  const other = found[0];
  const what = other ? `reports ${other.e.complianceType}${dated(other.e)}` : 'has no result';
  return verdict('insufficient-evidence', `AWS Config rule for ${identifier} ${what} for the bucket.`, refs);
}

/** `config.rule-compliant`: per bucket and required rule, AWS Config reports COMPLIANT. */
export const ruleCompliant: CheckDefinition = {
  id: ID,
  title: 'AWS Config reports the bucket compliant',
  severity: 'medium',
  description:
    'Per bucket, per required managed rule: the result is COMPLIANT; NON_COMPLIANT fails; no result is a gap.',
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
