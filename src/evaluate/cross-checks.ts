import { describeGap, isGap, type EvidenceRef, type Outcome } from '../snapshot/outcome.ts';
import { configResultOf, ruleContradiction } from '../checks/config/rule-compliant.ts';
import { bucketProbes, statementsProse } from '../checks/policy/bucket-policy.ts';
import { ANONYMOUS_PROBES } from '../checks/policy/probes.ts';
import { bucketResource } from '../checks/support.ts';
import type { CrossCheck, EvaluationContext } from '../checks/types.ts';
import { canonicalJson } from '../pack/canonical-json.ts';
import { recordedSettings } from '../period/supplementary.ts';
import type {
  AccountSnapshot,
  BucketConfigHistory,
  BucketSnapshot,
  EncryptionRule,
  PublicAccessBlock,
} from '../snapshot/model.ts';

/**
 * Every contradiction between two sources of the snapshot, per bucket, in snapshot order:
 * AWS Config rule verdicts against this tool's own check of the same property, S3's
 * `PolicyStatus.IsPublic` against the anonymous probe of the policy, and the last AWS Config
 * configuration item against the live read (including a live read that was denied while Config
 * records the value). Pure: a function of the snapshot and the precomputed policy analysis.
 */
export function findCrossChecks(ctx: EvaluationContext): CrossCheck[] {
  const out: CrossCheck[] = [];
  for (const account of ctx.snapshot.accounts) {
    const histories = new Map((account.configHistory ?? []).map((h) => [h.bucketArn, h]));
    for (const bucket of account.buckets) {
      out.push(...configRuleContradictions(bucket, account, ctx));
      const policy = policyStatusContradiction(bucket, ctx);
      if (policy) out.push(policy);
      const history = histories.get(bucket.arn);
      if (history) out.push(...historyContradictions(bucket, history, ctx.snapshot.collection.startedAt));
    }
  }
  return out;
}

function configRuleContradictions(
  bucket: BucketSnapshot,
  account: AccountSnapshot,
  ctx: EvaluationContext,
): CrossCheck[] {
  return ctx.requiredConfigRules.flatMap((identifier): CrossCheck[] => {
    const c = ruleContradiction(
      bucket,
      account,
      identifier,
      ctx,
      configResultOf(bucket, account, identifier),
    );
    if (!c) return [];
    const e = c.evaluation;
    const ours = c.own.verdict.status === 'fail' ? 'fails' : 'passes';
    return [
      {
        kind: 'config-rule-vs-check',
        resource: bucketResource(bucket),
        subject: c.own.property,
        summary: `AWS Config rule "${c.rule}" (${identifier}) reports the bucket ${e.complianceType}, but this tool's ${c.own.checkId} check of ${c.own.property} ${ours}.`,
        sources: [
          {
            source: `AWS Config rule "${c.rule}" (${identifier})`,
            says: `${e.complianceType}${e.resultRecordedTime ? `, evaluated ${e.resultRecordedTime}` : ''}`,
            evidence: c.configEvidence,
          },
          {
            source: `${c.own.checkId} (${c.own.property})`,
            says: `${c.own.verdict.status}: ${c.own.verdict.reason}`,
            evidence: c.own.verdict.evidence,
          },
        ],
        checks: ['config.rule-compliant', c.own.checkId],
      },
    ];
  });
}

function policyStatusContradiction(bucket: BucketSnapshot, ctx: EvaluationContext): CrossCheck | undefined {
  const status = bucket.policyStatus;
  if (status.status !== 'ok' || bucket.policy.status !== 'ok') return undefined;
  const probes = bucketProbes(bucket, ctx, 'the bucket policy');
  if (probes.kind !== 'probes') return undefined;
  const allowed = ANONYMOUS_PROBES.filter((p) => probes.get(p.name)?.decision === 'allowed');
  const probePublic = allowed.length > 0;
  const awsPublic = status.value.isPublic;
  if (probePublic === awsPublic) return undefined;
  const statements = [...new Set(allowed.flatMap((p) => probes.get(p.name)?.statements ?? []))];
  const probeSays = probePublic
    ? `anonymous ${allowed.map((p) => p.action).join(', ')} allowed by ${statementsProse({ decision: 'allowed', statements })}`
    : 'every anonymous request is denied';
  return {
    kind: 'policy-status-vs-probe',
    resource: bucketResource(bucket),
    subject: 'whether the bucket policy is public',
    summary: `S3 GetBucketPolicyStatus reports IsPublic ${String(awsPublic)}, but this tool's anonymous probe of the same policy finds it ${probePublic ? 'public' : 'not public'}.`,
    sources: [
      {
        source: 'S3 GetBucketPolicyStatus',
        says: `IsPublic ${String(awsPublic)}`,
        evidence: [status.evidence],
      },
      {
        source: 'anonymous probe of the bucket policy (GetBucketPolicy)',
        says: probeSays,
        evidence: [bucket.policy.evidence],
      },
    ],
    checks: ['s3.not-public'],
  };
}

/** One setting compared between the last configuration item and the live read. */
interface Compared<T> {
  subject: string;
  checks: string[];
  operation: string;
  live: Outcome<T>;
  recorded: Outcome<T>;
  describe(value: T): string;
  key(value: T): string;
}

function encryptionText(v: { rules: EncryptionRule[] }): string {
  if (v.rules.length === 0) return 'no default-encryption rule';
  return v.rules
    .map((r) => `${r.sseAlgorithm}${r.kmsMasterKeyId ? ` with key ${r.kmsMasterKeyId}` : ''}`)
    .join('; ');
}

function pabText(v: PublicAccessBlock): string {
  const on = (Object.keys(v) as (keyof PublicAccessBlock)[]).filter((k) => v[k]);
  if (on.length === 4) return 'all four Block Public Access flags on';
  return on.length === 0 ? 'all four Block Public Access flags off' : `only ${on.join(', ')} on`;
}

function policyKey(text: string): string {
  try {
    return canonicalJson(JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

function outcomeText<T>(o: Outcome<T>, describe: (v: T) => string, what: string): string {
  if (o.status === 'ok') return describe(o.value);
  if (o.status === 'absent') return `no ${what} (${o.errorCode})`;
  return describeGap(o);
}

/**
 * The last configuration item against the live read. The history is read up to the period end; a
 * change made after it is legitimately missing, so settings are compared only when the period
 * reaches the collection (the item is then Config's latest). A denied or failed live read is set
 * against the last item whatever its date: Config recorded the value the read could not get.
 */
function historyContradictions(
  bucket: BucketSnapshot,
  history: BucketConfigHistory,
  collectionStartedAt: string,
): CrossCheck[] {
  if (history.items.status !== 'ok') return [];
  const latest = Date.parse(history.period.end) >= Date.parse(collectionStartedAt);
  const last = history.items.value[history.items.value.length - 1];
  if (!last || last.status.startsWith('ResourceDeleted') || last.status === 'ResourceNotRecorded') return [];
  const item = { captureTime: last.captureTime, evidence: history.items.evidence, latest };
  const recorded = recordedSettings(last, item.evidence);
  return [
    compareSetting(bucket, item, {
      subject: 'default encryption',
      checks: ['s3.default-encryption', 's3.sse-kms-cmk'],
      operation: 'GetBucketEncryption',
      live: bucket.encryption,
      recorded: recorded.encryption,
      describe: encryptionText,
      key: encryptionText,
    }),
    compareSetting(bucket, item, {
      subject: 'bucket Block Public Access',
      checks: ['s3.bucket-public-access-block', 's3.not-public'],
      operation: 'GetPublicAccessBlock',
      live: bucket.publicAccessBlock,
      recorded: recorded.publicAccessBlock,
      describe: pabText,
      key: pabText,
    }),
    compareSetting(bucket, item, {
      subject: 'bucket policy',
      checks: ['s3.not-public', 's3.tls-only', 's3.deny-unencrypted-put'],
      operation: 'GetBucketPolicy',
      live: bucket.policy,
      recorded: recorded.policy,
      describe: () => 'a bucket policy',
      key: (v) => policyKey(v.text),
    }),
  ].filter((c): c is CrossCheck => c !== undefined);
}

/** The contradiction between the last configuration item and the live read of one setting, if any. */
function compareSetting<T>(
  bucket: BucketSnapshot,
  item: { captureTime: string; evidence: EvidenceRef; latest: boolean },
  c: Compared<T>,
): CrossCheck | undefined {
  // Only a value Config actually recorded is compared: an entry it did not record says nothing.
  if (c.recorded.status !== 'ok') return undefined;
  const recordedText = c.describe(c.recorded.value);
  const itemSource = {
    source: `AWS Config configuration item of ${item.captureTime} (GetResourceConfigHistory)`,
    says: recordedText,
    evidence: [item.evidence],
  };
  const liveSource = {
    source: `live S3 ${c.operation}`,
    says: outcomeText(c.live, c.describe, c.subject),
    evidence: [c.live.evidence],
  };
  if (isGap(c.live)) {
    return {
      kind: 'denied-read-vs-config-item',
      resource: bucketResource(bucket),
      subject: c.subject,
      summary: `The live ${c.operation} read ${c.live.status === 'denied' ? 'was denied' : 'failed'}, but AWS Config's configuration item of ${item.captureTime} records ${recordedText}: Config holds the value the read could not get.`,
      sources: [liveSource, itemSource],
      checks: c.checks,
    };
  }
  if (!item.latest) return undefined;
  if (c.live.status === 'ok' && c.key(c.live.value) === c.key(c.recorded.value)) return undefined;
  return {
    kind: 'config-history-vs-live',
    resource: bucketResource(bucket),
    subject: c.subject,
    summary: `AWS Config's last configuration item (${item.captureTime}) records ${recordedText}, but the live ${c.operation} read shows ${liveSource.says}: a change Config has not recorded, or a recorder that missed it.`,
    sources: [itemSource, liveSource],
    checks: c.checks,
  };
}
