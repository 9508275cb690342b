import type { CheckDefinition } from '../types.ts';
import { findBucketKey, kmsRule } from '../kms/find-key.ts';
import { forEachBucket, gapVerdict, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.default-encryption';
const ACCEPTED = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

/**
 * Judge one bucket: a default-encryption rule with an accepted algorithm passes, unless its KMS
 * key does not exist (DescribeKey: not found) — then S3 cannot encrypt with it and writes fail.
 */
export const judgeDefaultEncryption: BucketJudge = (bucket, account, ctx) => {
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
  const rule = kmsRule(enc.value.rules);
  const key = rule ? findBucketKey(account, bucket, rule.kmsMasterKeyId, ctx.snapshot) : undefined;
  if (rule && key?.metadata.status === 'absent') {
    return verdict(
      'fail',
      `Default encryption is ${rule.sseAlgorithm} with the key ${rule.kmsMasterKeyId ?? 'aws/s3'}, which does not exist (DescribeKey: ${key.metadata.errorCode}), so S3 cannot encrypt new objects with it.`,
      [enc.evidence, key.metadata.evidence],
    );
  }
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
  criteria: ['CC6.6', 'CC6.1'],
  description: 'GetBucketEncryption returns a rule with SSEAlgorithm AES256, aws:kms or aws:kms:dsse.',
  reads: ['s3:GetBucketEncryption'],
  method:
    'Per bucket: passes when the default-encryption rule has SSEAlgorithm AES256, aws:kms or aws:kms:dsse; no configuration fails; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeDefaultEncryption),
};
