import type { CheckDefinition } from '../types.ts';
import { judgeExternalGrants } from '../policy/external-access.ts';
import { bucketResource, evidenceOf, gapVerdict, toResult, verdict } from '../support.ts';

const ID = 's3.no-external-access';

/** `s3.no-external-access`: the bucket policy grants no principal outside the trusted accounts. */
export const noExternalAccess: CheckDefinition = {
  id: ID,
  title: 'Bucket policy grants no external account',
  severity: 'high',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'No bucket-policy statement allows a principal of an account outside the scope (unless declared in trustedAccounts) any action.',
  reads: ['s3:GetBucketPolicy'],
  method:
    'Per bucket: every AWS principal of another account that an Allow statement names (account, role or user ARN), and every "*" principal conditioned on aws:PrincipalOrgID (once per organization id named), is evaluated with IAM semantics against GetObject, PutObject, DeleteObject, PutObjectAcl, ListBucket, GetBucketPolicy, PutBucketPolicy, PutBucketAcl and DeleteBucket; an allowed request by an account outside the accounts in scope that is not a valid trustedAccounts entry, or by an organization not in trustedOrganizationIds (organizations are not discovered), fails, naming principal, actions and statement. No policy passes. Grants to anyone ("*" without an organization condition) are judged by s3.not-public. A denied or unreadable policy is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.flatMap((account) =>
      account.buckets.map((bucket) => {
        const pol = bucket.policy;
        const evidence = evidenceOf(pol);
        if (pol.status === 'denied' || pol.status === 'error')
          return toResult(ID, bucketResource(bucket), gapVerdict('the bucket policy', pol, evidence));
        if (pol.status === 'absent')
          return toResult(
            ID,
            bucketResource(bucket),
            verdict(
              'pass',
              `The bucket has no bucket policy (${pol.errorCode}), so it grants no other account.`,
              evidence,
            ),
          );
        const results = ctx.policyAnalysis?.externalBuckets?.[bucket.arn];
        const v = results
          ? judgeExternalGrants('bucket policy', results, ctx, evidence)
          : verdict('error', 'The bucket policy was not analyzed (policy analysis did not run).', evidence);
        return toResult(ID, bucketResource(bucket), v);
      }),
    ),
};
