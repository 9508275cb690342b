import { CHECKS } from '../checks/registry.ts';
import type { CheckDefinition, Criterion } from '../checks/types.ts';
import type { Config } from '../config/schema.ts';

/** A SOC 2 criterion as the default mapping describes it; its checks come from the check files. */
export type CriterionText = Omit<Criterion, 'checks'>;

/**
 * The criteria of the default mapping, as data, in report order: the pack's headline criteria first.
 * Which checks support each is declared by the checks themselves (`criteria` in each
 * `CheckDefinition`), so a check's criteria are written once.
 */
export const CRITERIA_TEXT: readonly CriterionText[] = [
  {
    id: 'CC6.6',
    title: 'Logical access security measures against threats from sources outside system boundaries',
    narrative:
      'Data in Amazon S3 is encrypted at rest with default encryption and, for sensitive buckets, customer managed KMS keys that are enabled, rotated and not shared publicly; uploads with customer-provided keys (SSE-C), which leave no KMS audit trail, are blocked; bucket policies deny unencrypted uploads and requests without TLS; Block Public Access at account and bucket level and the absence of public policies and ACLs keep buckets private; AWS Config rules continuously evaluate these settings; any deviation is covered by an approved, unexpired exception.',
  },
  {
    id: 'CC7.2',
    title: 'Monitoring of system components for anomalies indicative of malicious acts',
    narrative:
      'AWS Config records the configuration of every S3 bucket, and a multi-region CloudTrail trail with log file validation records management events including KMS key usage, plus S3 object data events for sensitive buckets, giving an audit trail of who used which key and data, and when.',
  },
  {
    id: 'CC6.1',
    title:
      'Logical access security software, infrastructure and architectures over protected information assets',
    narrative:
      'Access to data in Amazon S3 is restricted: Block Public Access at account and bucket level and the absence of public policies and ACLs limit who can reach it (point of focus "restricts logical access"); default encryption, customer managed KMS keys for sensitive buckets and a policy denying unencrypted uploads encrypt it at rest ("uses encryption to protect data"); those keys are enabled, rotated and not shared publicly ("protects encryption keys").',
  },
  {
    id: 'CC6.7',
    title: 'Restriction and protection of information in transmission, movement and removal',
    narrative:
      'Bucket policies deny every request made without TLS (aws:SecureTransport false), so data moving to and from Amazon S3 travels over an encrypted channel only (point of focus "uses encryption technologies or secure communication channels to protect data").',
  },
  {
    id: 'CC7.1',
    title: 'Detection and monitoring of configuration changes that introduce vulnerabilities',
    narrative:
      'AWS Config records the configuration of every S3 bucket and evaluates the required managed rules against it, so a change away from the configuration standard (encryption, TLS-only policy, public access) is detected and shown as non-compliant (points of focus "uses defined configuration standards", "implements change-detection mechanisms").',
  },
];

/**
 * The default mapping of checks to SOC 2 criteria: {@link CRITERIA_TEXT} with the checks that
 * declare each criterion, in catalogue order. Used by the run (findings' criteria) and the report's
 * control matrix. A check that declares no criterion (`s3.bucket-key`, a cost setting) is an "other
 * check".
 */
export const DEFAULT_CRITERIA: readonly Criterion[] = defaultCriteria(CHECKS);

/** The default mapping for a list of checks: each criterion of {@link CRITERIA_TEXT} with its checks. */
export function defaultCriteria(checks: readonly Pick<CheckDefinition, 'id' | 'criteria'>[]): Criterion[] {
  const known = new Set(CRITERIA_TEXT.map((c) => c.id));
  for (const check of checks)
    for (const id of check.criteria)
      if (!known.has(id))
        throw new Error(`check ${check.id} names criterion ${id}, which CRITERIA_TEXT does not describe`);
  return CRITERIA_TEXT.map((c) => ({
    ...c,
    checks: checks.filter((check) => check.criteria.includes(c.id)).map((check) => check.id),
  }));
}

/** `CC6_1` (a config key written as an identifier) → `CC6.1`; other ids are kept as written. */
export function normalizeCriterionId(key: string): string {
  return /^[A-Z]+\d+_\d+$/.test(key) ? key.replace('_', '.') : key;
}

/** The pack's headline criteria: listed first in the report, the manifest and every finding. */
export const HEADLINE_CRITERIA: readonly string[] = ['CC6.6', 'CC7.2'];

/** Headline criteria first (in {@link HEADLINE_CRITERIA} order), then the rest by criterion id. */
function reportOrder(a: Criterion, b: Criterion): number {
  const rank = (c: Criterion): number => {
    const i = HEADLINE_CRITERIA.indexOf(c.id);
    return i < 0 ? HEADLINE_CRITERIA.length : i;
  };
  return rank(a) - rank(b) || a.id.localeCompare(b.id, 'en', { numeric: true });
}

/**
 * Apply the config's control overrides to the default mapping: remove listed criteria, then replace
 * or add each configured criterion. The result is in report order: the headline criteria (CC6.6,
 * CC7.2) first, then the others by criterion id.
 */
export function resolveCriteria(controls: Config['controls']): Criterion[] {
  const removed = new Set(controls.remove.map(normalizeCriterionId));
  const byId = new Map<string, Criterion>();
  for (const c of DEFAULT_CRITERIA) if (!removed.has(c.id)) byId.set(c.id, { ...c, checks: [...c.checks] });
  for (const [key, c] of Object.entries(controls.criteria)) {
    const id = normalizeCriterionId(key);
    byId.set(id, { id, title: c.title, narrative: c.narrative, checks: [...c.checks] });
  }
  return [...byId.values()].sort(reportOrder);
}

/** The criteria a check supports under a resolved mapping, in mapping order. */
export function criteriaOf(checkId: string, criteria: readonly Criterion[]): string[] {
  return criteria.filter((c) => c.checks.includes(checkId)).map((c) => c.id);
}
