/** The shape of a managed rule evaluator the sandbox supports. */
import type { BucketState, PabState } from '../../../types.ts';

/** What an evaluator sees besides the bucket. */
export interface BucketRuleContext {
  /** Account-level Block Public Access (S3 Control), if configured. */
  accountPublicAccessBlock?: PabState | undefined;
  /** The rule's `InputParameters`, parsed. */
  parameters: Record<string, unknown>;
}

/** A bucket's result. */
export interface BucketVerdict {
  complianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
  annotation?: string | undefined;
}

/** A managed rule evaluating S3 buckets. */
export interface BucketRule {
  sourceIdentifier: string;
  evaluate(bucket: BucketState, context: BucketRuleContext): BucketVerdict;
}
