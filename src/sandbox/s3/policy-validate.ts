/**
 * The checks PutBucketPolicy makes before accepting a policy; each failure is `MalformedPolicy` 400
 * with S3's wording.
 */
import { S3Error } from './context.ts';

const MAX_POLICY_BYTES = 20 * 1024;

function malformed(message: string): S3Error {
  return new S3Error('MalformedPolicy', message, 400);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a resource ARN names the bucket itself or objects in it. */
function resourceInBucket(resource: unknown, bucket: string): boolean {
  if (typeof resource !== 'string') return false;
  if (!resource.startsWith('arn:aws:s3:::')) return false;
  const rest = resource.slice('arn:aws:s3:::'.length);
  const bucketPart = rest.split('/')[0] ?? '';
  const pattern = new RegExp(
    `^${bucketPart
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return pattern.test(bucket);
}

/** Validate a bucket policy for `bucket`; returns the parsed document. */
export function validateBucketPolicy(text: string, bucket: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw malformed('Policies must be less than 20 KB');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  if (!isRecord(document)) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  if (
    document.Version !== undefined &&
    document.Version !== '2012-10-17' &&
    document.Version !== '2008-10-17'
  ) {
    throw malformed('Invalid Version');
  }
  const statements = asList(document.Statement);
  if (statements.length === 0) throw malformed('Missing required field Statement');
  for (const statement of statements) {
    if (!isRecord(statement)) throw malformed('Statement is not an object');
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw malformed('Invalid effect');
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) {
      throw malformed('Missing required field Principal');
    }
    const actions = asList(statement.Action ?? statement.NotAction);
    if (actions.length === 0) throw malformed('Missing required field Action');
    for (const action of actions) {
      if (typeof action !== 'string' || !(action === '*' || /^s3(-object-lambda)?:[\w*?]+$/i.test(action))) {
        throw malformed('Policy has invalid action');
      }
    }
    const resources = asList(statement.Resource ?? statement.NotResource);
    if (resources.length === 0) throw malformed('Missing required field Resource');
    if (!resources.every((r) => resourceInBucket(r, bucket))) throw malformed('Policy has invalid resource');
  }
  return document;
}
