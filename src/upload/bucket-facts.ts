import { GetObjectLockConfigurationCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorName } from '../aws/classify.ts';
import type { BucketObjectLock, RetentionMode } from './retention.ts';

/**
 * The bucket's region, from HeadBucket (`BucketRegion` / `x-amz-bucket-region`, which S3 also
 * sends on 301 and 403 answers). Falls back to `fallback` when S3 did not say, leaving the
 * client's `followRegionRedirects` to find it. A bucket that does not exist is an error.
 */
export async function bucketRegion(s3: S3Client, bucket: string, fallback: string): Promise<string> {
  try {
    const out = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return out.BucketRegion ?? fallback;
  } catch (err) {
    const header = regionHeader(err);
    if (header) return header;
    const name = errorName(err);
    if (name === 'NotFound' || name === 'NoSuchBucket') {
      // HeadBucket's 404 has no body, so the SDK's message says nothing useful.
      throw Object.assign(new Error(`bucket ${bucket} does not exist`), { name: 'NoSuchBucket' });
    }
    return fallback;
  }
}

function regionHeader(err: unknown): string | undefined {
  const headers = (err as { $response?: { headers?: Record<string, string | undefined> } } | undefined)
    ?.$response?.headers;
  const value = headers?.['x-amz-bucket-region'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The bucket's Object Lock state; `ObjectLockConfigurationNotFoundError` means none. */
export async function bucketObjectLock(s3: S3Client, bucket: string): Promise<BucketObjectLock> {
  try {
    const out = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const conf = out.ObjectLockConfiguration;
    if (conf?.ObjectLockEnabled !== 'Enabled') return { enabled: false };
    const rule = conf.Rule?.DefaultRetention;
    const mode: RetentionMode | undefined =
      rule?.Mode === 'COMPLIANCE' || rule?.Mode === 'GOVERNANCE' ? rule.Mode : undefined;
    const days = rule?.Days ?? (rule?.Years === undefined ? undefined : rule.Years * 365);
    return { enabled: true, defaultMode: mode, defaultDays: days };
  } catch (err) {
    if (errorName(err) === 'ObjectLockConfigurationNotFoundError') return { enabled: false };
    throw err;
  }
}
