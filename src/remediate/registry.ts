import { orgBlockPublicAccess, s3PolicyProse } from '../checks/s3/org-s3-policy.ts';
import { suggestedKey, type IndexedFacts, type Intent, type PolicyStatement } from './intents.ts';
import type { FindingRef } from './types.ts';

/** Turns one failing finding into what to change. Pure: reads only the finding and the facts. */
export type Remediator = (finding: FindingRef, facts: IndexedFacts) => Intent;

const manual = (text: string): Intent => ({ kind: 'manual', text });

/** A remediator for a per-bucket finding; a finding whose bucket the snapshot lacks is manual. */
function forBucket(
  make: (b: NonNullable<ReturnType<IndexedFacts['bucket']>>, facts: IndexedFacts) => Intent,
): Remediator {
  return (finding, facts) => {
    const found = facts.bucket(finding.resourceArn);
    return found
      ? make(found, facts)
      : manual(`The pack has no record of ${finding.resourceArn}; fix it by hand.`);
  };
}

const tlsStatement = (bucket: string): PolicyStatement => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

const denyUnencryptedStatements = (bucket: string): PolicyStatement[] => [
  {
    Sid: 'DenyIncorrectEncryptionHeader',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
  },
  {
    Sid: 'DenyUnencryptedObjectUploads',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/*`,
    Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
  },
];

const sseKmsCmk: Remediator = forBucket(({ account, bucket }, facts) => {
  const key = suggestedKey(facts, account, bucket);
  if (!key) {
    return manual(
      `No enabled customer managed key without findings exists in ${bucket.accountId} ${bucket.region}: create one (aws kms create-key), enable its rotation, then set it as the default encryption of ${bucket.name}.`,
    );
  }
  return { kind: 'bucket-encryption', account, bucket, change: { kmsKeyArn: key, bucketKey: true } };
});

/** Remediation per check id; a check without an entry gets a manual step naming its title. */
export const REMEDIATIONS: Readonly<Record<string, Remediator>> = {
  's3.default-encryption': forBucket(({ account, bucket }) => ({
    kind: 'bucket-encryption',
    account,
    bucket,
    change: { atLeastSseS3: true },
  })),
  's3.sse-kms-cmk': sseKmsCmk,
  's3.bucket-key': forBucket(({ account, bucket }) => ({
    kind: 'bucket-encryption',
    account,
    bucket,
    change: { bucketKey: true },
  })),
  's3.sse-c-blocked': forBucket(({ account, bucket }) => ({
    kind: 'bucket-encryption',
    account,
    bucket,
    change: { blockSseC: true },
  })),
  's3.deny-unencrypted-put': forBucket(({ account, bucket }) => ({
    kind: 'bucket-policy',
    account,
    bucket,
    statements: denyUnencryptedStatements(bucket.name),
  })),
  's3.tls-only': forBucket(({ account, bucket }) => ({
    kind: 'bucket-policy',
    account,
    bucket,
    statements: [tlsStatement(bucket.name)],
  })),
  's3.bucket-public-access-block': forBucket(({ account, bucket }) => ({
    kind: 'bucket-public-access-block',
    account,
    bucket,
  })),
  // With all four flags S3 ignores public ACLs and restricts public policies: the bucket is not public.
  's3.not-public': forBucket(({ account, bucket }) => ({
    kind: 'bucket-public-access-block',
    account,
    bucket,
  })),
  's3.account-public-access-block': (finding, facts) => {
    const accountId = finding.resourceArn.split(':')[4] ?? '';
    const account = facts.account(accountId);
    if (!account) return manual(`The pack has no record of ${finding.resourceArn}; fix it by hand.`);
    // Under an organization S3 policy that sets Block Public Access, S3 refuses the account's own
    // PutPublicAccessBlock (403): the change belongs to the organization's policies.
    const org = orgBlockPublicAccess(facts.snapshot.organization, accountId);
    if (org.kind === 'set')
      return manual(
        `The account's Block Public Access is "${org.setting}", set by ${s3PolicyProse(org)}; S3 refuses PutPublicAccessBlock for the account while it is in force. From the management account (or the S3-policy delegated administrator), detach the policy that sets it so an organization-wide "all" applies, or keep the exemption and record it as an exception with its justification.`,
      );
    return { kind: 'account-public-access-block', account };
  },
  // The check (collected inventory reports) names the object counts in its reason when the report
  // lists objects on the wrong encryption; otherwise the bucket lacks a usable inventory.
  's3.object-encryption-inventory': (finding, facts) =>
    forBucket(({ account, bucket }) => {
      if (!/\b(NOT-SSE|SSE-S3)\b/.test(finding.reason)) return { kind: 'bucket-inventory', account, bucket };
      const key = suggestedKey(facts, account, bucket);
      return key
        ? { kind: 'object-encryption', account, bucket, kmsKeyArn: key }
        : manual(
            `Re-encrypt the objects of ${bucket.name} with a customer managed key (UpdateObjectEncryption).`,
          );
    })(finding, facts),
  's3.no-external-access': () =>
    manual(
      'Remove the statement the finding names from the bucket policy, or declare the account in trustedAccounts with a justification and an approver.',
    ),
  'kms.no-external-access': () =>
    manual(
      'Remove the statement the finding names from the key policy (aws kms put-key-policy), or declare the account in trustedAccounts with a justification and an approver.',
    ),
  'kms.rotation-enabled': (finding, facts) => {
    const key = facts.key(finding.resourceArn);
    if (!key)
      return manual(`The pack has no description of ${finding.resourceArn}; enable its rotation by hand.`);
    if (key.metadata.status === 'ok' && key.metadata.value.origin === 'EXTERNAL') {
      return manual(
        'The key has imported key material, which rotates on demand only: run aws kms rotate-key-on-demand after importing new material.',
      );
    }
    return {
      kind: 'key-rotation',
      key,
      keyArn: finding.resourceArn,
      periodInDays: facts.rotationPeriodInDays,
    };
  },
  'kms.key-policy-not-public': () =>
    manual(
      'Remove the key-policy statement that grants Principal "*" without a restricting condition (aws kms put-key-policy with the edited policy).',
    ),
  'kms.key-usable': () =>
    manual(
      'Cancel the key deletion (aws kms cancel-key-deletion) and enable the key, or move the buckets to another key.',
    ),
  'config.recorder-active': () =>
    manual(
      'Start an AWS Config recorder that records AWS::S3::Bucket (aws configservice start-configuration-recorder).',
    ),
  'config.rules-present': () =>
    manual('Add the missing AWS Config managed rules (aws configservice put-config-rule).'),
  'config.rule-compliant': () =>
    manual(
      'Fix the resources the AWS Config rule reports non-compliant; the bucket findings of this plan cover most.',
    ),
  'cloudtrail.multi-region-logging': () =>
    manual(
      'Create or update a multi-region trail and start logging (aws cloudtrail update-trail --is-multi-region-trail; start-logging).',
    ),
  'cloudtrail.kms-events-logged': () =>
    manual(
      'Record management events, including KMS events, on a multi-region trail (aws cloudtrail put-event-selectors).',
    ),
  'cloudtrail.log-file-validation': () =>
    manual(
      'Enable log file validation on the trail (aws cloudtrail update-trail --enable-log-file-validation).',
    ),
  'cloudtrail.s3-data-events': () =>
    manual(
      'Record S3 data events for the sensitive buckets (aws cloudtrail put-event-selectors with advanced selectors).',
    ),
  'exceptions.valid': () =>
    manual('Renew the exception with a new expiry and approver in the config, or fix the excepted finding.'),
};

/** What one failing finding asks to change. */
export function intentFor(finding: FindingRef, facts: IndexedFacts): Intent {
  const remediate = Object.hasOwn(REMEDIATIONS, finding.checkId) ? REMEDIATIONS[finding.checkId] : undefined;
  return remediate
    ? remediate(finding, facts)
    : manual(`No scripted remediation for ${finding.checkId}; fix it by hand.`);
}
