/**
 * Bucket-policy templates: the same policy shape attached to thousands of buckets differs only in
 * the bucket's own name inside its own ARNs. Replacing that name with a fixed placeholder gives a
 * template that can be simulated once for all of them, when the template's verdicts provably do
 * not depend on the name (see {@link bucketPolicyTemplate}).
 */

/**
 * The stand-in bucket name the template is simulated with. A valid bucket name, so the simulated
 * request is one S3 could receive.
 */
export const TEMPLATE_BUCKET = 'evidence-pack-policy-template';

/** A policy reduced to its template, or why it cannot be shared. */
export type PolicyTemplate = { ok: true; text: string } | { ok: false; reason: string };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The bucket name of an S3 bucket ARN (`arn:<partition>:s3:::<name>`), if it is one. */
export function bucketNameOfArn(arn: string): string | undefined {
  const m = /^arn:[a-z0-9-]+:s3:::([^/]+)$/.exec(arn);
  return m?.[1];
}

/**
 * Template of a bucket policy: every `arn:<partition>:s3:::<name>` immediately followed by `"` or
 * `/` becomes `...:::TEMPLATE_BUCKET`. The template is returned only when simulating it with the
 * placeholder bucket gives the same verdicts as simulating the original with `name`:
 *
 * - every Resource/NotResource value holding the placeholder starts with it as the bucket
 *   (`arn:<p>:s3:::TEMPLATE_BUCKET` then nothing or `/...`), once: matching it against the
 *   bucket's own ARNs is then the same for any name;
 * - every other Resource/NotResource value is either a literal that does not mention the name (in
 *   any case), a pattern under another literal bucket (`arn:<p>:s3:::other/...`), or matches every
 *   bucket alike (`*`, `arn:<p>:s3:::*`, `arn:<p>:s3:::*\/*`);
 * - the original text does not already mention the placeholder (so the substitution is reversible).
 *
 * The probe requests' context values are fixed and never S3 ARNs, so conditions on a templated
 * value decide alike for every name.
 */
export function bucketPolicyTemplate(text: string, name: string): PolicyTemplate {
  if (text.toLowerCase().includes(TEMPLATE_BUCKET))
    return { ok: false, reason: 'the policy mentions the placeholder' };
  const own = new RegExp(`(arn:[a-z0-9-]+:s3:::)${escapeRegExp(name)}(?=["/])`, 'g');
  const templated = text.replace(own, `$1${TEMPLATE_BUCKET}`);
  let policy: unknown;
  try {
    policy = JSON.parse(templated);
  } catch {
    return { ok: false, reason: 'the policy is not valid JSON' };
  }
  const resources = resourceValues(policy);
  if (!resources.ok) return resources;
  const lowerName = name.toLowerCase();
  for (const value of resources.values) {
    if (!resourceIsNameIndependent(value, lowerName))
      return { ok: false, reason: `resource ${JSON.stringify(value)} may match bucket names differently` };
  }
  return { ok: true, text: templated };
}

const PLACEHOLDER_ARN = new RegExp(`^arn:[a-z0-9-]+:s3:::${escapeRegExp(TEMPLATE_BUCKET)}(/|$)`);
const UNIVERSAL_S3 = /^arn:[^:]*:s3:::\*(\/\*)?$/;
const OTHER_BUCKET_OBJECTS = /^arn:[a-z0-9-]+:s3:::([a-z0-9.-]+)\//;

function resourceIsNameIndependent(value: string, lowerName: string): boolean {
  if (value.includes(TEMPLATE_BUCKET))
    return PLACEHOLDER_ARN.test(value) && value.split(TEMPLATE_BUCKET).length === 2;
  if (!/[*?$]/.test(value)) return !value.toLowerCase().includes(lowerName);
  if (value === '*' || UNIVERSAL_S3.test(value)) return true;
  // Another bucket's objects (`arn:<p>:s3:::other/...`): the literal bucket part decides, alike for any name but `other`.
  const other = OTHER_BUCKET_OBJECTS.exec(value)?.[1];
  return other !== undefined && other.toLowerCase() !== lowerName;
}

/** Every string under Resource/NotResource of every statement; not ok for shapes we do not know. */
function resourceValues(policy: unknown): { ok: true; values: string[] } | { ok: false; reason: string } {
  if (!isRecord(policy)) return { ok: false, reason: 'the policy is not an object' };
  const raw = policy['Statement'];
  const statements = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const values: string[] = [];
  for (const statement of statements) {
    if (!isRecord(statement)) return { ok: false, reason: 'a statement is not an object' };
    for (const field of ['Resource', 'NotResource']) {
      const v = statement[field];
      if (v === undefined) continue;
      const list = Array.isArray(v) ? (v as unknown[]) : [v];
      for (const item of list) {
        if (typeof item !== 'string') return { ok: false, reason: `${field} holds a non-string` };
        values.push(item);
      }
    }
  }
  return { ok: true, values };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
