import type { CheckDefinition } from '../types.ts';
import { forEachBucket, gapVerdict, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.default-encryption';
const ACCEPTED = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/** Judge one bucket: a default-encryption rule with an accepted algorithm passes. */
export const judgeDefaultEncryption: BucketJudge = (bucket) => {
  const enc = bucket.encryption;
  if (enc.status === 'denied' || enc.status === 'error') return gapVerdict('default encryption', enc);
  if (enc.status === 'absent') {
    return verdict(
      'fail',
      `The endpoint reports no default encryption configuration for the bucket (${enc.errorCode}).`,
      [enc.evidence],
    );
  }
  const algorithms = enc.value.rules.map((r) => r.sseAlgorithm);
  const accepted = algorithms.find((a) => ACCEPTED.has(a));
  if (accepted) return verdict('pass', `Default encryption is ${accepted}.`, [enc.evidence]);
  const found = algorithms.length ? `only ${algorithms.join(', ')}` : 'no rule';
  return verdict(
    'fail',
    `The default encryption configuration has ${found}, not AES256, aws:kms or aws:kms:dsse.`,
    [enc.evidence],
  );
};

/** `s3.default-encryption`: every bucket has default encryption (SSE-S3, SSE-KMS or DSSE-KMS). */
export const defaultEncryption: CheckDefinition = {
  id: ID,
  title: 'S3 default encryption is enabled',
  severity: 'high',
  description: 'GetBucketEncryption returns a rule with SSEAlgorithm AES256, aws:kms or aws:kms:dsse.',
  reads: ['s3:GetBucketEncryption'],
  method:
    'Per bucket: passes when the default-encryption rule has SSEAlgorithm AES256, aws:kms or aws:kms:dsse; no configuration fails; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeDefaultEncryption),
};
