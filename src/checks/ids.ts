/**
 * Every check id, in the order the report lists them. Kept apart from the check modules so the
 * config validator can reject an unknown id without loading the checks. A test pins that this list
 * and the registry agree.
 */
export const CHECK_IDS = [
  's3.default-encryption',
  's3.sse-kms-cmk',
  's3.bucket-key',
  's3.deny-unencrypted-put',
  's3.tls-only',
  's3.bucket-public-access-block',
  's3.not-public',
  's3.sse-c-blocked',
  's3.account-public-access-block',
  's3.no-external-access',
  'kms.rotation-enabled',
  'kms.key-policy-not-public',
  'kms.no-external-access',
  'kms.key-usable',
  'config.recorder-active',
  'config.rules-present',
  'config.rule-compliant',
  'cloudtrail.multi-region-logging',
  'cloudtrail.kms-events-logged',
  'cloudtrail.log-file-validation',
  'cloudtrail.s3-data-events',
  'exceptions.valid',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/** True when `id` is a known check id. */
export function isCheckId(id: string): id is CheckId {
  return (CHECK_IDS as readonly string[]).includes(id);
}
