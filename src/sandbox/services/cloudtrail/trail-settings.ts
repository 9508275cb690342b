/**
 * The checks CreateTrail and UpdateTrail make on the trail's settings: name, destination bucket
 * (which must exist and let CloudTrail write), KMS key, and parameter combinations.
 */
import { policyStatements } from '../../policy-statements.ts';
import type { JsonRequest } from '../../types.ts';
import { SandboxError } from '../../types.ts';
import { resolveKey } from '../kms/resolve-key.ts';

const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

/** Trail names: 3–128 characters, letters, digits, `.`, `_`, `-`; start and end alphanumeric. */
export function assertTrailName(name: string): void {
  if (!TRAIL_NAME.test(name) || /[._-]{2}/.test(name) || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    throw new SandboxError(
      'InvalidTrailNameException',
      `Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_): ${name}`,
    );
  }
}

/** The bucket must exist and its policy must let CloudTrail check the ACL and put objects. */
export function assertDeliveryBucket(req: JsonRequest, bucketName: string): void {
  const bucket = req.state.buckets.get(bucketName);
  if (!bucket)
    throw new SandboxError('S3BucketDoesNotExistException', `S3 bucket ${bucketName} does not exist.`);
  const policy = bucket.policy;
  if (!policy || !allowsCloudTrail(policy, 's3:GetBucketAcl') || !allowsCloudTrail(policy, 's3:PutObject')) {
    throw new SandboxError(
      'InsufficientS3BucketPolicyException',
      `Incorrect S3 bucket policy is detected for bucket: ${bucketName}`,
    );
  }
}

/** The key's ARN for a KmsKeyId given as key id, key ARN, alias name or alias ARN. */
export function resolveTrailKey(req: JsonRequest, keyRef: string): string {
  try {
    const key = resolveKey({ req, touched: [] }, keyRef, { allowAlias: true });
    if (key.keySpec !== 'SYMMETRIC_DEFAULT')
      throw new SandboxError(
        'InvalidKmsKeyIdException',
        `KMS key ${keyRef} is not a symmetric encryption key.`,
      );
    if (key.keyState !== 'Enabled')
      throw new SandboxError('KmsException', `KMS key ${key.arn} is ${key.keyState}.`);
    return key.arn;
  } catch (error) {
    if (error instanceof SandboxError && error.code === 'NotFoundException') {
      throw new SandboxError('KmsKeyNotFoundException', `KMS key ${keyRef} does not exist.`);
    }
    throw error;
  }
}

/** Multi-region trails must log global service events. */
export function assertCombination(
  isMultiRegion: boolean,
  includeGlobal: boolean,
  logGroup?: string,
  role?: string,
): void {
  if (isMultiRegion && !includeGlobal) {
    throw new SandboxError(
      'InvalidParameterCombinationException',
      'Multi-Region trail must include global service events.',
    );
  }
  if (logGroup && !role)
    throw new SandboxError(
      'InvalidCloudWatchLogsRoleArnException',
      'CloudWatch Logs role ARN is required with a log group.',
    );
}

function allowsCloudTrail(policy: string, action: string): boolean {
  const statements = policyStatements(policy);
  return statements.some((st) => {
    if (st.Effect !== 'Allow') return false;
    const principal = st.Principal;
    const service =
      typeof principal === 'object' && principal !== null
        ? (principal as { Service?: unknown }).Service
        : undefined;
    const services = Array.isArray(service) ? service : [service];
    if (principal !== '*' && !services.includes('cloudtrail.amazonaws.com')) return false;
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    return actions.some(
      (a) =>
        typeof a === 'string' &&
        new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action),
    );
  });
}
