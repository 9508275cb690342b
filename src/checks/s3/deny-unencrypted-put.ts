import type { CheckDefinition } from '../types.ts';
import {
  BUCKET_POLICY_READS,
  bucketProbes,
  bucketRcps,
  deniedWithRcpsVerdict,
  noRcpDeniesNote,
  statementsProse,
  unlessRcpUnknown,
  type BucketProbes,
} from '../policy/bucket-policy.ts';
import type { RcpDeny } from '../policy/rcp.ts';
import { ENCRYPTION_PROBES, kmsBlanketDenies } from '../policy/probes.ts';
import { forEachBucket, verdict, type BucketJudge, type Verdict } from '../support.ts';

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
  const what = 'whether unencrypted uploads are denied';
  const probes = bucketProbes(bucket, ctx, what);
  const rcps = bucketRcps(bucket, ctx);
  const rcpNone = rcps.denies(ENCRYPTION_PROBES.noHeader.name);
  const rcpAes = rcps.denies(ENCRYPTION_PROBES.aes256.name);
  if (rcpNone.length > 0 || rcpAes.length > 0) {
    const viaRcp = judgeWithRcps(probes, rcpNone, rcpAes);
    if (viaRcp) {
      return deniedWithRcpsVerdict(
        probes,
        rcps,
        'uploads without KMS encryption (no header or AES256)',
        viaRcp,
        [...rcpNone, ...rcpAes],
      );
    }
  }
  return unlessRcpUnknown(judgeBucketPolicy(probes, noRcpDeniesNote(rcps)), rcps, what);
};

/**
 * With RCP denies for the no-header or AES256 upload: the bucket-policy statements that deny the
 * rest (none needed when the RCPs deny both), or undefined when one of the two stays allowed or
 * a bucket-policy statement that decides also denies KMS uploads.
 */
function judgeWithRcps(probes: BucketProbes, rcpNone: RcpDeny[], rcpAes: RcpDeny[]): string[] | undefined {
  const get = (name: string) => (probes.kind === 'probes' ? probes.get(name) : undefined);
  const none = get(ENCRYPTION_PROBES.noHeader.name);
  const aes = get(ENCRYPTION_PROBES.aes256.name);
  const statements: string[] = [];
  for (const [rcp, outcome] of [
    [rcpNone, none],
    [rcpAes, aes],
  ] as const) {
    if (rcp.length > 0) continue;
    if (outcome?.decision !== 'explicit-deny') return undefined;
    statements.push(...outcome.statements);
  }
  if (probes.kind === 'probes') {
    const blanket = kmsBlanketDenies(probes.get);
    if (statements.some((s) => blanket.has(s))) return undefined;
  }
  return [...new Set(statements)];
}

/** The verdict of the bucket policy alone. */
function judgeBucketPolicy(probes: BucketProbes, rcpNote: string): Verdict {
  if (probes.kind === 'verdict') return probes.verdict;
  if (probes.kind === 'no-policy') {
    return verdict(
      'fail',
      `The bucket has no bucket policy, so uploads without SSE-KMS are not denied.${rcpNote}`,
      probes.evidence,
    );
  }
  const none = probes.get(ENCRYPTION_PROBES.noHeader.name);
  const aes = probes.get(ENCRYPTION_PROBES.aes256.name);
  if (none?.decision !== 'explicit-deny') {
    return verdict(
      'fail',
      `The bucket policy does not explicitly deny PutObject requests that carry no x-amz-server-side-encryption header.${rcpNote}`,
      probes.evidence,
    );
  }
  if (aes?.decision !== 'explicit-deny') {
    return verdict(
      'fail',
      `The bucket policy denies uploads without an encryption header (${statementsProse(none)}) but still accepts SSE-S3 (AES256) uploads.${rcpNote}`,
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
}

/** `s3.deny-unencrypted-put`: the policy of a sensitive bucket denies uploads that are not SSE-KMS. */
export const denyUnencryptedPut: CheckDefinition = {
  id: ID,
  title: 'Bucket policy denies unencrypted uploads',
  severity: 'medium',
  criteria: ['CC6.6', 'CC6.1'],
  description:
    'The bucket policy, or a resource control policy in force for the account, explicitly denies s3:PutObject without the SSE header or with AES256, and not with aws:kms or aws:kms:dsse.',
  reads: BUCKET_POLICY_READS,
  method:
    'Per bucket: the bucket policy is evaluated with IAM semantics against PutObject requests over TLS from an unrelated principal with no encryption header, with AES256, with aws:kms and with aws:kms:dsse; passes when the first two are explicitly denied and not both KMS uploads are denied by the same statement; no policy fails; an unreadable or unparsable policy is insufficient evidence. In an organization the resource control policies in force for the account are evaluated too (an RCP statement that also denies KMS uploads over TLS refuses the principal as such and does not count); the deciding RCP is cited with where it is attached; when the RCPs in force cannot be read, a verdict that would fail is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeDenyUnencryptedPut),
};
