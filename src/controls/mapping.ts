import type { Criterion } from '../checks/types.ts';
import type { Config } from '../config/schema.ts';

/**
 * The default mapping of checks to SOC 2 criteria, as data. Used by the run (findings' criteria)
 * and the report's control matrix. `s3.bucket-key` is advisory (cost) and maps to no criterion.
 */
export const DEFAULT_CRITERIA: readonly Criterion[] = [
  {
    id: 'CC6.6',
    title: 'Logical access security measures against threats from sources outside system boundaries',
    narrative:
      'Data in Amazon S3 is encrypted at rest with default encryption and, for sensitive buckets, customer managed KMS keys that are enabled, rotated and not shared publicly; bucket policies deny unencrypted uploads and requests without TLS; Block Public Access at account and bucket level and the absence of public policies and ACLs keep buckets private; AWS Config rules continuously evaluate these settings; any deviation is covered by an approved, unexpired exception.',
    checks: [
      's3.default-encryption',
      's3.sse-kms-cmk',
      's3.deny-unencrypted-put',
      's3.tls-only',
      's3.bucket-public-access-block',
      's3.not-public',
      's3.account-public-access-block',
      's3.no-external-access',
      'kms.rotation-enabled',
      'kms.key-policy-not-public',
      'kms.no-external-access',
      'kms.key-usable',
      'config.rules-present',
      'config.rule-compliant',
      'exceptions.valid',
    ],
  },
  {
    id: 'CC7.2',
    title: 'Monitoring of system components for anomalies indicative of malicious acts',
    narrative:
      'AWS Config records the configuration of every S3 bucket, and a multi-region CloudTrail trail with log file validation records management events including KMS key usage, plus S3 object data events for sensitive buckets, giving an audit trail of who used which key and data, and when.',
    checks: [
      'config.recorder-active',
      'cloudtrail.multi-region-logging',
      'cloudtrail.kms-events-logged',
      'cloudtrail.log-file-validation',
      'cloudtrail.s3-data-events',
    ],
  },
];

/** `CC6_1` (a config key written as an identifier) → `CC6.1`; other ids are kept as written. */
export function normalizeCriterionId(key: string): string {
  return /^[A-Z]+\d+_\d+$/.test(key) ? key.replace('_', '.') : key;
}

/**
 * Apply the config's control overrides to the default mapping: remove listed criteria, then replace
 * or add each configured criterion. The result is sorted by criterion id.
 */
export function resolveCriteria(controls: Config['controls']): Criterion[] {
  const removed = new Set(controls.remove.map(normalizeCriterionId));
  const byId = new Map<string, Criterion>();
  for (const c of DEFAULT_CRITERIA) if (!removed.has(c.id)) byId.set(c.id, { ...c, checks: [...c.checks] });
  for (const [key, c] of Object.entries(controls.criteria)) {
    const id = normalizeCriterionId(key);
    byId.set(id, { id, title: c.title, narrative: c.narrative, checks: [...c.checks] });
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** The criteria a check supports under a resolved mapping, in mapping order. */
export function criteriaOf(checkId: string, criteria: readonly Criterion[]): string[] {
  return criteria.filter((c) => c.checks.includes(checkId)).map((c) => c.id);
}
