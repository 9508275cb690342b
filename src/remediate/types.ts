/**
 * A fix plan: what to change in AWS so that the failing findings of a pack pass on the next run.
 * The plan is data; the shell script (`remediate`) and the machine-readable plan (`--format json`)
 * are two renderings of the same plan, so what a reviewer reads is what a tool would apply.
 */

/** The finding a step fixes, as the pack states it. */
export interface FindingRef {
  checkId: string;
  resourceArn: string;
  resourceName: string;
  reason: string;
}

/** One AWS API call, in the SDK's input shape (the AWS CLI uses the same member names). */
export interface PlanCall {
  /** `s3` (CLI `s3api`), `s3control` or `kms`. */
  service: 's3' | 's3control' | 'kms';
  /** API operation, e.g. `PutBucketEncryption`. */
  operation: string;
  /** Account whose credentials the call needs. */
  accountId: string;
  region: string;
  input: Record<string, unknown>;
}

/** One step of the plan: one call (or a manual instruction) and every finding it fixes. */
export interface RemediationStep {
  fixes: FindingRef[];
  /** What the step does and why, in one or two sentences. */
  summary: string;
  /** The call to make; absent when the fix cannot be scripted safely (then `summary` says what to do). */
  call?: PlanCall | undefined;
}

/** Schema id of the machine-readable plan. */
export const PLAN_SCHEMA = 'evidence-pack/remediation-plan@1';

/** The whole plan for one pack. */
export interface RemediationPlan {
  schema: typeof PLAN_SCHEMA;
  /** The run the pack records. */
  runId: string;
  /** Steps in a stable order: account, region, resource, then kind of change. */
  steps: RemediationStep[];
}
