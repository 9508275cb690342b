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
import { TLS_PROBES } from '../policy/probes.ts';
import { forEachBucket, listProse, verdict, type BucketJudge, type Verdict } from '../support.ts';

const ID = 's3.tls-only';

const REQUIRED = [
  { probe: TLS_PROBES.getObject, label: 's3:GetObject' },
  { probe: TLS_PROBES.putObject, label: 's3:PutObject' },
  { probe: TLS_PROBES.listBucket, label: 's3:ListBucket' },
] as const;

/**
 * Judge one bucket by probing its policy, and the resource control policies in force for its
 * account, with plain-HTTP GetObject, PutObject and ListBucket: each must be explicitly denied by
 * one or the other.
 */
export const judgeTlsOnly: BucketJudge = (bucket, _account, ctx) => {
  const what = 'whether non-TLS requests are denied';
  const probes = bucketProbes(bucket, ctx, what);
  const rcps = bucketRcps(bucket, ctx);
  const rows = REQUIRED.map((r) => ({
    ...r,
    outcome: probes.kind === 'probes' ? probes.get(r.probe.name) : undefined,
    rcp: rcps.denies(r.probe.name),
  }));
  const byPolicy = (o: (typeof rows)[number]) => o.outcome?.decision === 'explicit-deny';
  if (rows.every((o) => byPolicy(o) || o.rcp.length > 0) && rows.some((o) => o.rcp.length > 0)) {
    return deniedWithRcpsVerdict(
      probes,
      rcps,
      'GetObject, PutObject and ListBucket without TLS',
      [...new Set(rows.filter(byPolicy).flatMap((o) => o.outcome?.statements ?? []))],
      rows.flatMap((o) => o.rcp),
    );
  }
  return unlessRcpUnknown(judgeBucketPolicy(probes, noRcpDeniesNote(rcps)), rcps, what);
};

/** The verdict of the bucket policy alone. */
function judgeBucketPolicy(probes: BucketProbes, rcpNote: string): Verdict {
  if (probes.kind === 'verdict') return probes.verdict;
  if (probes.kind === 'no-policy') {
    return verdict(
      'fail',
      `The bucket has no bucket policy, so requests without TLS are not denied.${rcpNote}`,
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
      `The bucket policy does not explicitly deny ${listProse(missing)} over plain HTTP (aws:SecureTransport false).${versionNote}${rcpNote}`,
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
}

/** `s3.tls-only`: the bucket policy denies requests that do not use TLS. */
export const tlsOnly: CheckDefinition = {
  id: ID,
  title: 'Bucket policy denies requests without TLS',
  severity: 'medium',
  criteria: ['CC6.6', 'CC6.7'],
  description:
    'The bucket policy, or a resource control policy in force for the account, explicitly denies GetObject, PutObject and ListBucket when aws:SecureTransport is false.',
  reads: BUCKET_POLICY_READS,
  method:
    'Per bucket: the bucket policy is evaluated with IAM semantics against GetObject, PutObject and ListBucket over plain HTTP (aws:SecureTransport false); passes when all three are explicitly denied; no policy fails; an unreadable or unparsable policy is insufficient evidence. In an organization the resource control policies in force for the account (root, OUs on its path, the account; never the management account) are evaluated too: a request denied by either is denied, and the RCP is cited with where it is attached; when the RCPs in force cannot be read, a verdict that would fail is insufficient evidence.',
  evaluate: (ctx) => forEachBucket(ID, ctx, judgeTlsOnly),
};
