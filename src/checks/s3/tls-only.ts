import type { CheckDefinition } from '../types.ts';
import { bucketProbes, statementsProse } from '../policy/bucket-policy.ts';
import { TLS_PROBES } from '../policy/probes.ts';
import { forEachBucket, listProse, verdict, type BucketJudge } from '../support.ts';

const ID = 's3.tls-only';

const REQUIRED = [
  { probe: TLS_PROBES.getObject, label: 's3:GetObject' },
  { probe: TLS_PROBES.putObject, label: 's3:PutObject' },
  { probe: TLS_PROBES.listBucket, label: 's3:ListBucket' },
] as const;

/** Judge one bucket by probing its policy with plain-HTTP GetObject, PutObject and ListBucket. */
export const judgeTlsOnly: BucketJudge = (bucket, _account, ctx) => {
  const probes = bucketProbes(bucket, ctx, 'whether non-TLS requests are denied');
  if (probes.kind === 'verdict') return probes.verdict;
  if (probes.kind === 'no-policy') {
    return verdict(
      'fail',
      'The bucket has no bucket policy, so requests without TLS are not denied.',
      probes.evidence,
    );
  }
  const outcomes = REQUIRED.map((r) => ({ ...r, outcome: probes.get(r.probe.name) }));
  const oldTls = probes.get(TLS_PROBES.oldTls.name);
  const missing = outcomes.filter((o) => o.outcome?.decision !== 'explicit-deny').map((o) => o.label);
  if (missing.length > 0) {
    const versionNote =
      oldTls?.decision === 'explicit-deny'
        ? ` A minimum TLS version rule (${statementsProse(oldTls)}) does not deny plain HTTP.`
        : '';
    return verdict(
      'fail',
      `The bucket policy does not explicitly deny ${listProse(missing)} over plain HTTP (aws:SecureTransport false).${versionNote}`,
      probes.evidence,
    );
  }
  const deciders = [...new Set(outcomes.flatMap((o) => o.outcome?.statements ?? []))];
  const note =
    oldTls?.decision === 'explicit-deny'
      ? `; it also denies TLS versions below 1.2 (${statementsProse(oldTls)})`
      : '';
  return verdict(
    'pass',
    `The bucket policy explicitly denies GetObject, PutObject and ListBucket without TLS for any principal, decided by ${statementsProse({ decision: 'explicit-deny', statements: deciders })}${note}.`,
    probes.evidence,
  );
};

/** `s3.tls-only`: the bucket policy denies requests that do not use TLS. */
export const tlsOnly: CheckDefinition = {
  id: ID,
  title: 'Bucket policy denies requests without TLS',
  severity: 'medium',
  criteria: ['CC6.6', 'CC6.7'],
  description:
    'The bucket policy explicitly denies GetObject, PutObject and ListBucket when aws:SecureTransport is false.',
  reads: ['s3:GetBucketPolicy'],
  method:
    'Per bucket: the bucket policy is evaluated with IAM semantics against GetObject, PutObject and ListBucket over plain HTTP (aws:SecureTransport false); passes when all three are explicitly denied; no policy fails; an unreadable or unparsable policy is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeTlsOnly),
};
