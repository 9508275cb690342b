import { describeGap, isGap, type EvidenceRef, type Gap, type Outcome } from '../snapshot/outcome.ts';
import type { AccountSnapshot, BucketSnapshot, ConfigRegionSnapshot } from '../snapshot/model.ts';
import type { CheckResult, CheckStatus, EvaluationContext, ResourceRef } from './types.ts';

/** A check's verdict on one resource before the check id and resource are attached. */
export interface Verdict {
  status: CheckStatus;
  reason: string;
  evidence: EvidenceRef[];
}

/** Build a verdict. */
export function verdict(status: CheckStatus, reason: string, evidence: EvidenceRef[]): Verdict {
  return { status, reason, evidence };
}

/** The `insufficient-evidence` verdict for a gap, prefixed with what we needed to know. */
export function gapVerdict(needed: string, gap: Gap, evidence: EvidenceRef[] = [gap.evidence]): Verdict {
  return verdict('insufficient-evidence', `Cannot judge ${needed}: ${describeGap(gap)}.`, evidence);
}

/** The first gap among the outcomes, if any. */
export function firstGap(...outcomes: Outcome<unknown>[]): Gap | undefined {
  return outcomes.find(isGap);
}

/** Evidence refs of the given outcomes, without duplicates, in order. */
export function evidenceOf(...outcomes: Outcome<unknown>[]): EvidenceRef[] {
  return dedupe(outcomes.map((o) => o.evidence));
}

/** Remove duplicate evidence refs (same file and call id), keeping the first. */
export function dedupe(refs: EvidenceRef[]): EvidenceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.file}#${r.callId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const bucketResources = new WeakMap<BucketSnapshot, Readonly<ResourceRef>>();

/**
 * The resource reference of a bucket: one frozen object per bucket, shared by all its results
 * (a large account has ten or more results per bucket).
 */
export function bucketResource(bucket: BucketSnapshot): ResourceRef {
  let ref = bucketResources.get(bucket);
  if (!ref) {
    ref = Object.freeze({
      arn: bucket.arn,
      type: 'AWS::S3::Bucket',
      accountId: bucket.accountId,
      region: bucket.region,
      name: bucket.name,
    });
    bucketResources.set(bucket, ref);
  }
  return ref;
}

/** The resource reference of an account's S3 Block Public Access setting. */
export function accountPabResource(account: AccountSnapshot): ResourceRef {
  return {
    arn: `arn:aws:s3::${account.accountId}:account`,
    type: 'AWS::S3::AccountPublicAccessBlock',
    accountId: account.accountId,
    name: account.name,
  };
}

/**
 * The resource reference of AWS Config in one region (its recorder, delivery channel and rules
 * together): a kind of this tool's own, as no AWS resource type is one region's Config setup.
 */
export function configRegionResource(config: ConfigRegionSnapshot): ResourceRef {
  return {
    arn: `arn:aws:config:${config.region}:${config.accountId}:configuration`,
    type: 'EvidencePack::ConfigRegion',
    accountId: config.accountId,
    region: config.region,
    name: `AWS Config ${config.region}`,
  };
}

/** The resource reference of CloudTrail in one account (all its trails): a kind of this tool's own. */
export function cloudTrailResource(account: AccountSnapshot): ResourceRef {
  return {
    arn: `arn:aws:cloudtrail::${account.accountId}:account`,
    type: 'EvidencePack::CloudTrailAccount',
    accountId: account.accountId,
    name: account.name,
  };
}

/** Attach a check id and resource to a verdict. */
export function toResult(checkId: string, resource: ResourceRef, v: Verdict): CheckResult {
  return { checkId, resource, status: v.status, reason: v.reason, evidence: v.evidence };
}

/** A per-bucket judgement function, as exported by each per-bucket check module. */
export type BucketJudge = (
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  ctx: EvaluationContext,
) => Verdict;

/** Run a per-bucket judgement over every bucket of every account. */
export function forEachBucket(checkId: string, ctx: EvaluationContext, judge: BucketJudge): CheckResult[] {
  return ctx.snapshot.accounts.flatMap((account) =>
    account.buckets.map((bucket) => toResult(checkId, bucketResource(bucket), judge(bucket, account, ctx))),
  );
}

/** Lists in prose: `a`, `a and b`, `a, b and c`. */
export function listProse(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
