/**
 * The probe requests the policy checks evaluate. A probe is a request (principal, action,
 * resource, context keys) that is judged against a resource policy with IAM semantics.
 */
import type { ProbeOutcome } from './types.ts';
export interface Probe {
  name: string;
  principal: 'anonymous' | 'unrelated';
  action: string;
  /** `bucket` → `arn:aws:s3:::<name>`, `object` → `arn:aws:s3:::<name>/<key>`, `key` → the key ARN. */
  target: 'bucket' | 'object' | 'key';
  context: Record<string, string>;
}

/** An account that is in no one's organization: the "arbitrary principal" of the probes. */
export const PROBE_ACCOUNT = '210987654321';
/** The arbitrary principal used for deny probes and the unrelated-account KMS probes. */
export const PROBE_PRINCIPAL_ARN = `arn:aws:iam::${PROBE_ACCOUNT}:user/evidence-pack-probe`;
/** An arbitrary public internet address (TEST-NET-3) for the requests' source IP. */
export const PROBE_SOURCE_IP = '203.0.113.7';
/** Object key used in object-level probes. */
export const PROBE_OBJECT_KEY = 'evidence-pack-probe/object.txt';

const principalContext: Record<string, string> = {
  'aws:PrincipalArn': PROBE_PRINCIPAL_ARN,
  'aws:PrincipalAccount': PROBE_ACCOUNT,
  'aws:PrincipalType': 'User',
  'aws:userid': 'AIDAEVIDENCEPACKPROBE',
  'aws:username': 'evidence-pack-probe',
  'aws:SourceIp': PROBE_SOURCE_IP,
};

const tls = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

/**
 * Probes for `s3.deny-unencrypted-put`: PutObject over TLS with no / AES256 / aws:kms /
 * aws:kms:dsse header (DSSE-KMS is KMS encryption too).
 */
export const ENCRYPTION_PROBES = {
  noHeader: {
    name: 'put-no-sse',
    principal: 'unrelated',
    action: 's3:PutObject',
    target: 'object',
    context: { ...principalContext, ...tls },
  },
  aes256: {
    name: 'put-sse-aes256',
    principal: 'unrelated',
    action: 's3:PutObject',
    target: 'object',
    context: { ...principalContext, ...tls, 's3:x-amz-server-side-encryption': 'AES256' },
  },
  kms: {
    name: 'put-sse-kms',
    principal: 'unrelated',
    action: 's3:PutObject',
    target: 'object',
    context: { ...principalContext, ...tls, 's3:x-amz-server-side-encryption': 'aws:kms' },
  },
  dsse: {
    name: 'put-sse-dsse-kms',
    principal: 'unrelated',
    action: 's3:PutObject',
    target: 'object',
    context: { ...principalContext, ...tls, 's3:x-amz-server-side-encryption': 'aws:kms:dsse' },
  },
} as const satisfies Record<string, Probe>;

/**
 * Statements of a policy that deny both KMS uploads (aws:kms and aws:kms:dsse) to the probe
 * principal: a deny that refuses the principal as such, not an encryption choice.
 */
export function kmsBlanketDenies(get: (name: string) => ProbeOutcome | undefined): Set<string> {
  const denied = (p: Probe): string[] => {
    const o = get(p.name);
    return o?.decision === 'explicit-deny' ? o.statements : [];
  };
  const dsse = new Set(denied(ENCRYPTION_PROBES.dsse));
  return new Set(denied(ENCRYPTION_PROBES.kms).filter((s) => dsse.has(s)));
}

/**
 * Probe for `s3.sse-c-blocked`: PutObject over TLS with a customer-provided key (SSE-C). Such a
 * request carries `s3:x-amz-server-side-encryption-customer-algorithm` and no
 * `s3:x-amz-server-side-encryption` (S3 refuses the two together). Judged against
 * {@link ENCRYPTION_PROBES}`.kms`, which the same statement must not deny.
 */
export const SSE_C_PROBE = {
  name: 'put-sse-c',
  principal: 'unrelated',
  action: 's3:PutObject',
  target: 'object',
  context: { ...principalContext, ...tls, 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' },
} as const satisfies Probe;

const plain = { 'aws:SecureTransport': 'false' };
const kmsHeader = { 's3:x-amz-server-side-encryption': 'aws:kms' };

/**
 * Probes for `s3.tls-only`: the three requests over plain HTTP (no `s3:TlsVersion`), plus a
 * TLS 1.0 request used only to note a minimum-TLS-version rule.
 */
export const TLS_PROBES = {
  getObject: {
    name: 'http-get-object',
    principal: 'unrelated',
    action: 's3:GetObject',
    target: 'object',
    context: { ...principalContext, ...plain },
  },
  putObject: {
    name: 'http-put-object',
    principal: 'unrelated',
    action: 's3:PutObject',
    target: 'object',
    context: { ...principalContext, ...plain, ...kmsHeader },
  },
  listBucket: {
    name: 'http-list-bucket',
    principal: 'unrelated',
    action: 's3:ListBucket',
    target: 'bucket',
    context: { ...principalContext, ...plain },
  },
  oldTls: {
    name: 'tls10-get-object',
    principal: 'unrelated',
    action: 's3:GetObject',
    target: 'object',
    context: { ...principalContext, 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.0' },
  },
} as const satisfies Record<string, Probe>;

const anonymousContext = { 'aws:SecureTransport': 'true', 'aws:SourceIp': PROBE_SOURCE_IP };

function anonymous(
  action: string,
  target: 'bucket' | 'object',
  extra: Record<string, string> = {},
  suffix = '',
): Probe {
  return {
    name: `anonymous-${action}${suffix}`,
    principal: 'anonymous',
    action,
    target,
    context: { ...anonymousContext, ...extra },
  };
}

/**
 * Anonymous probes for `s3.not-public`: one representative of each action family S3 treats as
 * making a policy public (Get*, List*, Put*, Delete*, AbortMultipartUpload, RestoreObject).
 */
export const ANONYMOUS_PROBES: readonly Probe[] = [
  anonymous('s3:GetObject', 'object'),
  anonymous('s3:PutObject', 'object'),
  // The caller chooses its request headers: an allow that only requires an encryption header is still open.
  anonymous('s3:PutObject', 'object', { 's3:x-amz-server-side-encryption': 'aws:kms' }, '-sse-kms'),
  anonymous('s3:PutObject', 'object', { 's3:x-amz-server-side-encryption': 'AES256' }, '-sse-s3'),
  anonymous('s3:DeleteObject', 'object'),
  anonymous('s3:AbortMultipartUpload', 'object'),
  anonymous('s3:RestoreObject', 'object'),
  anonymous('s3:ListBucket', 'bucket'),
  anonymous('s3:GetBucketPolicy', 'bucket'),
  anonymous('s3:PutBucketPolicy', 'bucket'),
  anonymous('s3:PutBucketAcl', 'bucket'),
  anonymous('s3:DeleteBucket', 'bucket'),
];

/** Every probe run against a bucket policy. */
export const BUCKET_PROBES: readonly Probe[] = [
  ...Object.values(ENCRYPTION_PROBES),
  SSE_C_PROBE,
  ...Object.values(TLS_PROBES),
  ...ANONYMOUS_PROBES,
];

const kmsContext: Record<string, string> = {
  ...principalContext,
  'kms:CallerAccount': PROBE_ACCOUNT,
  'aws:SecureTransport': 'true',
};

function unrelatedKms(action: string): Probe {
  return { name: `unrelated-${action}`, principal: 'unrelated', action, target: 'key', context: kmsContext };
}

/** Probes for `kms.key-policy-not-public`: a principal of an unrelated account calling the key directly. */
export const KMS_PROBES: readonly Probe[] = [
  unrelatedKms('kms:Decrypt'),
  unrelatedKms('kms:Encrypt'),
  unrelatedKms('kms:GenerateDataKey'),
  unrelatedKms('kms:ReEncryptFrom'),
  unrelatedKms('kms:CreateGrant'),
  unrelatedKms('kms:DescribeKey'),
  unrelatedKms('kms:PutKeyPolicy'),
  unrelatedKms('kms:ScheduleKeyDeletion'),
  unrelatedKms('kms:DisableKey'),
];
