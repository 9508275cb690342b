/**
 * S3_BUCKET_SSL_REQUESTS_ONLY: the bucket policy explicitly denies every principal any S3 action
 * on the bucket and its objects when `aws:SecureTransport` is false.
 */
import { policyStatements } from '../../../policy-statements.ts';
import type { BucketRule } from './types.ts';

export const s3BucketSslRequestsOnly: BucketRule = {
  sourceIdentifier: 'S3_BUCKET_SSL_REQUESTS_ONLY',
  evaluate(bucket) {
    if (bucket.policy !== undefined && deniesInsecureTransport(bucket.policy, bucket.name))
      return { complianceType: 'COMPLIANT' };
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: 'The bucket policy does not deny requests without SSL.',
    };
  },
};

function deniesInsecureTransport(policy: string, bucket: string): boolean {
  const statements = policyStatements(policy);
  return statements.some((st) => {
    if (st.Effect !== 'Deny') return false;
    const principal = st.Principal;
    const everyone =
      principal === '*' || list((principal as { AWS?: unknown } | undefined)?.AWS).includes('*');
    const actions = list(st.Action);
    const allActions = actions.includes('*') || actions.includes('s3:*');
    const resources = list(st.Resource);
    const coversBucket = resources.some(
      (r) => r === '*' || r === `arn:aws:s3:::${bucket}` || r === `arn:aws:s3:::${bucket}*`,
    );
    const coversObjects = resources.some(
      (r) => r === '*' || r === `arn:aws:s3:::${bucket}/*` || r === `arn:aws:s3:::${bucket}*`,
    );
    return (
      everyone && allActions && coversBucket && coversObjects && insecureTransportCondition(st.Condition)
    );
  });
}

function insecureTransportCondition(condition: unknown): boolean {
  const bool = (condition as { Bool?: Record<string, unknown> } | undefined)?.Bool;
  if (!bool) return false;
  const entry = Object.entries(bool).find(([k]) => k.toLowerCase() === 'aws:securetransport');
  if (entry === undefined) return false;
  const values: unknown[] = Array.isArray(entry[1]) ? entry[1] : [entry[1]];
  return values.some((v) => String(v) === 'false');
}

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}
