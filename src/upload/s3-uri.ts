/** Where packs are uploaded: a bucket and a key prefix (`''` or ending in `/`). */
export interface S3Target {
  bucket: string;
  prefix: string;
}

/** The outcome of {@link parseS3Uri}. */
export type S3UriParse = { ok: true; target: S3Target } | { ok: false; reason: string };

/**
 * Parse `s3://bucket[/prefix]`. The prefix is treated as a folder: `s3://b/packs` and
 * `s3://b/packs/` both put `<name>.zip` under `packs/`.
 */
export function parseS3Uri(uri: string): S3UriParse {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri.trim());
  const bucket = m?.[1];
  if (!bucket) return { ok: false, reason: `"${uri}" is not an s3://bucket/prefix URI` };
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    return { ok: false, reason: `"${bucket}" is not a valid S3 bucket name` };
  }
  const rawPrefix = (m[2] ?? '').replace(/^\/+/, '');
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  return { ok: true, target: { bucket, prefix } };
}

/** `s3://bucket/key` for messages. */
export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
