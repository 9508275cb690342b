/**
 * The capture tests' estate, made with the shared snapshot builder: two SSE-KMS buckets on one
 * customer managed key, one Config rule with results, one trail, and hostile values (HTML in a
 * policy Sid, a tag, a Config annotation) that must render as text. `writeCaptureEstate` also writes
 * the raw records its outcomes cite (./raw.ts), as a collection would have.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { writeRaw } from './raw.ts';
import {
  ACCOUNT,
  KEY_ARN,
  KEY_ID,
  REGION,
  absentOf,
  account,
  bucket,
  configRegion,
  keyMeta,
  kmsKey,
  okOf,
  resetRefs,
  snapshot,
  trail,
  withPolicy,
} from './snapshot.ts';

export { ACCOUNT, KEY_ARN, KEY_ID, REGION };
export const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
export const TRAIL_ARN = trail().arn;

export const POLICY_STATEMENTS = [
  {
    Sid: HOSTILE,
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::data-prod', 'arn:aws:s3:::data-prod/*'],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  },
];
export const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: POLICY_STATEMENTS });

export const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

const kmsEncryption = () =>
  okOf(
    { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN, bucketKeyEnabled: true }] },
    'GetBucketEncryption',
  );

/** The estate's snapshot (refs numbered from 1 on every call, so two builds are identical). */
export function captureEstate(opts: { sandbox?: boolean; ruleName?: string } = {}): Snapshot {
  resetRefs();
  const ruleName = opts.ruleName ?? 's3-encryption';
  const buckets = [
    withPolicy(
      bucket('data-prod', {
        encryption: kmsEncryption(),
        tags: okOf({ classification: HOSTILE }, 'GetBucketTagging'),
        versioning: okOf({ status: 'Enabled' }, 'GetBucketVersioning'),
      }),
      POLICY_STATEMENTS,
    ),
    bucket('legacy-logs', {
      encryption: kmsEncryption(),
      publicAccessBlock: absentOf('NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock'),
      tags: okOf({ team: 'ops' }, 'GetBucketTagging'),
      versioning: okOf({ status: 'Enabled' }, 'GetBucketVersioning'),
    }),
  ];
  const rule = {
    name: ruleName,
    owner: 'AWS',
    sourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    scopeResourceTypes: ['AWS::S3::Bucket'],
  };
  const snap = snapshot([
    account({
      name: 'production',
      identity: okOf(
        { arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDAEXAMPLE' },
        'GetCallerIdentity',
        'sts',
      ),
      bucketListing: okOf({ count: buckets.length }, 'ListBuckets'),
      buckets,
      accountPublicAccessBlock: okOf(
        {
          blockPublicAcls: true,
          ignorePublicAcls: true,
          blockPublicPolicy: true,
          restrictPublicBuckets: false,
        },
        'GetPublicAccessBlock',
        's3control',
      ),
      kmsKeys: [
        kmsKey(
          buckets.map((b) => b.arn),
          {
            references: [KEY_ARN],
            metadata: okOf(keyMeta(), 'DescribeKey', 'kms'),
            policy: okOf({ text: KEY_POLICY }, 'GetKeyPolicy', 'kms'),
          },
        ),
      ],
      config: [
        configRegion({
          rules: okOf([rule], 'DescribeConfigRules', 'config'),
          results: [
            {
              ruleName,
              sourceIdentifier: rule.sourceIdentifier,
              evaluations: okOf(
                buckets.map((b, i) => ({
                  resourceType: 'AWS::S3::Bucket',
                  resourceId: b.name,
                  complianceType: i === 0 ? 'COMPLIANT' : 'NON_COMPLIANT',
                  resultRecordedTime: '2026-02-28T10:00:00.000Z',
                  configRuleInvokedTime: '2026-02-28T09:59:00.000Z',
                  ...(i === 0 ? {} : { annotation: HOSTILE }),
                })),
                'GetComplianceDetailsByConfigRule',
                'config',
              ),
            },
          ],
        }),
      ],
    }),
  ]);
  return {
    ...snap,
    caller: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, userId: 'AIDAEXAMPLE' },
    sandbox: opts.sandbox ?? true,
  };
}

/** Build the estate and write its raw records under a fresh temp dir. */
export async function writeCaptureEstate(
  opts: { sandbox?: boolean; ruleName?: string } = {},
): Promise<{ workDir: string; snapshot: Snapshot }> {
  const snap = captureEstate(opts);
  const workDir = await mkdtemp(join(tmpdir(), 'ep-capture-'));
  await writeRaw(snap, workDir);
  return { workDir, snapshot: snap };
}
