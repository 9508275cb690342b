/**
 * Running a rule: the supported managed rules evaluate the account's buckets in the region as they
 * are now, and the results replace the previous ones. Nothing re-evaluates on its own, so results
 * go stale when buckets change, as in AWS between evaluations; a scenario may run
 * {@link evaluateChangedBucket} where Config's change-triggered rules would have run.
 */
import type { AccountState, BucketState, SandboxStateApi } from '../../types.ts';
import { effectiveAccountPab } from '../../organizations/s3-policy.ts';
import { BUCKET_RULES } from './rules/index.ts';
import type { ConfigRecorder, ConfigRule, StoredEvaluation } from './store.ts';
import { configRegion, isRecording, recordsType } from './store.ts';
import { recordComplianceChanges } from './compliance-history.ts';

const BUCKET_TYPE = 'AWS::S3::Bucket';

/**
 * Evaluate `rule` if the recorder is recording buckets; returns false when no evaluation ran.
 */
export function evaluateRule(
  state: SandboxStateApi,
  account: AccountState,
  region: string,
  recorder: ConfigRecorder | undefined,
  rule: ConfigRule,
): boolean {
  if (!recorder || !isRecording(recorder)) return false;
  const now = state.now();
  rule.lastInvokedTime = now;
  const before = rule.evaluations;
  const ran = runEvaluation(state, account, region, recorder, rule, now);
  recordComplianceChanges(configRegion(account, region), recorder, rule, before, now);
  return ran;
}

function runEvaluation(
  state: SandboxStateApi,
  account: AccountState,
  region: string,
  recorder: ConfigRecorder,
  rule: ConfigRule,
  now: Date,
): boolean {
  const evaluator =
    rule.source.Owner === 'AWS' ? BUCKET_RULES.get(rule.source.SourceIdentifier ?? '') : undefined;
  if (!evaluator || !recordsType(recorder, BUCKET_TYPE) || !inScopeType(rule)) {
    rule.evaluations = [];
    return true;
  }
  const context = {
    accountPublicAccessBlock: effectiveAccountPab(state, account.id),
    parameters: parameters(rule.inputParameters),
  };
  rule.evaluations = [...state.buckets.values()]
    .filter((b) => b.accountId === account.id && b.region === region && inScopeBucket(rule, b))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((bucket): StoredEvaluation => {
      const verdict = evaluator.evaluate(bucket, context);
      return {
        resourceType: BUCKET_TYPE,
        resourceId: bucket.name,
        complianceType: verdict.complianceType,
        annotation: verdict.annotation,
        resultRecordedTime: now,
        configRuleInvokedTime: now,
      };
    });
  return true;
}

function inScopeType(rule: ConfigRule): boolean {
  const types = rule.scope?.ComplianceResourceTypes;
  return !Array.isArray(types) || types.length === 0 || types.includes(BUCKET_TYPE);
}

function inScopeBucket(rule: ConfigRule, bucket: BucketState): boolean {
  const scope = rule.scope ?? {};
  if (typeof scope.ComplianceResourceId === 'string' && scope.ComplianceResourceId !== bucket.name)
    return false;
  if (typeof scope.TagKey === 'string') {
    const value = bucket.tags?.[scope.TagKey];
    if (value === undefined) return false;
    if (typeof scope.TagValue === 'string' && scope.TagValue !== value) return false;
  }
  return true;
}

function parameters(inputParameters: string | undefined): Record<string, unknown> {
  if (!inputParameters) return {};
  try {
    const parsed: unknown = JSON.parse(inputParameters);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A change-triggered evaluation of one bucket, as AWS Config runs it after recording a change to
 * the bucket: every supported managed rule of the region re-evaluates that bucket only (the
 * other buckets' results stay as they were, stale or not), and the compliance history records any
 * result that changed. Returns the number of rules that evaluated it.
 */
export function evaluateChangedBucket(
  state: SandboxStateApi,
  account: AccountState,
  region: string,
  bucketName: string,
): number {
  const config = configRegion(account, region);
  const recorder = config.recorder;
  const bucket = state.buckets.get(bucketName);
  if (!recorder || !isRecording(recorder) || !recordsType(recorder, BUCKET_TYPE)) return 0;
  if (!bucket || bucket.accountId !== account.id || bucket.region !== region) return 0;
  const now = state.now();
  let count = 0;
  for (const rule of config.rules.values()) {
    const evaluator =
      rule.source.Owner === 'AWS' ? BUCKET_RULES.get(rule.source.SourceIdentifier ?? '') : undefined;
    if (!evaluator || !inScopeType(rule) || !inScopeBucket(rule, bucket)) continue;
    const context = {
      accountPublicAccessBlock: effectiveAccountPab(state, account.id),
      parameters: parameters(rule.inputParameters),
    };
    const verdict = evaluator.evaluate(bucket, context);
    const before = rule.evaluations;
    const fresh: StoredEvaluation = {
      resourceType: BUCKET_TYPE,
      resourceId: bucket.name,
      complianceType: verdict.complianceType,
      annotation: verdict.annotation,
      resultRecordedTime: now,
      configRuleInvokedTime: now,
    };
    rule.evaluations = [...before.filter((e) => e.resourceId !== bucket.name), fresh].sort((a, b) =>
      a.resourceId.localeCompare(b.resourceId),
    );
    recordComplianceChanges(config, recorder, rule, before, now);
    count++;
  }
  return count;
}
