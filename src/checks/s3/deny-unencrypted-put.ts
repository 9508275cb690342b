import type { CheckDefinition } from '../types.ts';
import { bucketProbes, statementsProse } from '../policy/bucket-policy.ts';
import { ENCRYPTION_PROBES, kmsBlanketDenies } from '../policy/probes.ts';
import { forEachBucket, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.deny-unencrypted-put';

/**
 * Judge one sensitive bucket by probing its policy: PutObject without an encryption header and with
 * AES256 must be explicitly denied, and a KMS upload (aws:kms or aws:kms:dsse) must not be denied by
 * the same statement.
 */
export const judgeDenyUnencryptedPut: BucketJudge = (bucket, _account, ctx) => {
  const c = ctx.classify(bucket);
  if (c.level !== 'sensitive') {
    return verdict(
      'not-applicable',
      `The bucket is classified standard (${c.rule}); upload encryption enforcement is required only for sensitive buckets.`,
      [],
    );
  }
  const probes = bucketProbes(bucket, ctx, 'whether unencrypted uploads are denied');
  if (probes.kind === 'verdict') return probes.verdict;
  if (probes.kind === 'no-policy') {
    return verdict(
      'fail',
      'The bucket has no bucket policy, so uploads without SSE-KMS are not denied.',
      probes.evidence,
    );
  }
  const none = probes.get(ENCRYPTION_PROBES.noHeader.name);
  const aes = probes.get(ENCRYPTION_PROBES.aes256.name);
  if (none?.decision !== 'explicit-deny') {
    return verdict(
      'fail',
      'The bucket policy does not explicitly deny PutObject requests that carry no x-amz-server-side-encryption header.',
      probes.evidence,
    );
  }
  if (aes?.decision !== 'explicit-deny') {
    return verdict(
      'fail',
      `The bucket policy denies uploads without an encryption header (${statementsProse(none)}) but still accepts SSE-S3 (AES256) uploads.`,
      probes.evidence,
    );
  }
  const deciding = new Set([...none.statements, ...aes.statements]);
  const blanket = [...kmsBlanketDenies(probes.get)].filter((s) => deciding.has(s));
  if (blanket.length > 0) {
    return verdict(
      'fail',
      `${statementsProse({ decision: 'explicit-deny', statements: blanket })} denies every upload, including aws:kms and aws:kms:dsse ones, rather than only unencrypted uploads.`,
      probes.evidence,
    );
  }
  const deciders = statementsProse({ decision: 'explicit-deny', statements: [...deciding] });
  return verdict(
    'pass',
    `The bucket policy explicitly denies uploads without KMS encryption (no header or AES256) for any principal, decided by ${deciders}.`,
    probes.evidence,
  );
};

/** `s3.deny-unencrypted-put`: the policy of a sensitive bucket denies uploads that are not SSE-KMS. */
export const denyUnencryptedPut: CheckDefinition = {
  id: ID,
  title: 'Bucket policy denies unencrypted uploads',
  severity: 'medium',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'The bucket policy explicitly denies s3:PutObject without the SSE header or with AES256, and not with aws:kms or aws:kms:dsse.',
  reads: ['s3:GetBucketPolicy'],
  method:
    'Per bucket: the bucket policy is evaluated with IAM semantics against PutObject requests over TLS from an unrelated principal with no encryption header, with AES256, with aws:kms and with aws:kms:dsse; passes when the first two are explicitly denied and not both KMS uploads are denied by the same statement; no policy fails; an unreadable or unparsable policy is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeDenyUnencryptedPut),
};
