/**
 * What every S3 handler gets (the request, caller, region, addressed bucket and key) and the checks
 * AWS makes before any bucket operation: the bucket exists, the request went to its region, and
 * the caller's account owns it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxResponse } from '../protocols/call.ts';
import type { SandboxState } from '../state.ts';
import { SandboxError } from '../types.ts';
import type { BucketState, Caller } from '../types.ts';
import { buildXml } from '../xml.ts';
import type { XmlNode } from '../xml.ts';

/** The S3 XML namespace every response document carries. */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** An S3 error whose XML body carries extra fields (e.g. `BucketName`, `Region`). */
export class S3Error extends SandboxError {
  constructor(
    code: string,
    message: string,
    status: number,
    readonly fields: Record<string, string> = {},
    extraHeaders: Record<string, string> = {},
  ) {
    super(code, message, status, extraHeaders);
  }
}

/** One S3 request, ready for a handler. */
export interface S3Context {
  operation: string;
  method: string;
  bucketName?: string | undefined;
  key?: string | undefined;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  caller: Caller;
  /** Region of the credential scope (the endpoint the request was sent to). */
  region: string;
  state: SandboxState;
  requestId: string;
}

/** An S3 operation handler. */
export type S3Handler = (ctx: S3Context) => SandboxResponse | Promise<SandboxResponse>;

/** `NoSuchBucket` 404. */
export function noSuchBucket(name: string): S3Error {
  return new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
}

/** `AccessDenied` 403. */
export function accessDenied(): S3Error {
  return new S3Error('AccessDenied', 'Access Denied', 403);
}

/** Operations AWS answers from any regional endpoint. */
const REGION_AGNOSTIC = new Set(['GetBucketLocation']);

/**
 * The addressed bucket after AWS's checks: `NoSuchBucket` 404, `PermanentRedirect` 301 (with the
 * bucket's region in `x-amz-bucket-region`, which the SDK's `followRegionRedirects` follows) and
 * `AccessDenied` 403 for buckets of another account.
 */
export function requireBucket(ctx: S3Context): BucketState {
  const name = ctx.bucketName ?? '';
  const bucket = ctx.state.buckets.get(name);
  if (!bucket) throw noSuchBucket(name);
  if (bucket.region !== ctx.region && !REGION_AGNOSTIC.has(ctx.operation)) {
    throw new S3Error(
      'PermanentRedirect',
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
      301,
      { Bucket: name, Endpoint: `${name}.s3.${bucket.region}.amazonaws.com`, Region: bucket.region },
      { 'x-amz-bucket-region': bucket.region },
    );
  }
  if (bucket.accountId !== ctx.caller.accountId) throw accessDenied();
  return bucket;
}

/** A 200 answer with an S3 XML document whose root gets the S3 namespace. */
export function xmlResponse(
  root: string,
  content: XmlNode,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', ...headers },
    body: buildXml({ [root]: { '@_xmlns': S3_NAMESPACE, ...content } }),
  };
}

/** An empty answer (200 for most writes, 204 for deletes). */
export function emptyResponse(status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body: '' };
}

/** A single request header as a string. */
export function header(ctx: S3Context, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
