/**
 * Who may reach a bucket: its policy (with GetBucketPolicyStatus) and its ACL, including the
 * writes Block Public Access and `BucketOwnerEnforced` refuse.
 */
import { parseXml } from '../xml.ts';
import { aclXml, bodyGrants, isOwnerOnly, isPublicGrant } from './acl.ts';
import { blockFlag } from './bucket-defaults.ts';
import { requestedAcl } from './bucket-lifecycle.ts';
import { accessDenied, emptyResponse, requireBucket, S3Error, xmlResponse } from './context.ts';
import type { S3Handler } from './context.ts';
import { isPolicyPublic } from './policy-public.ts';
import { validateBucketPolicy } from './policy-validate.ts';

function noSuchBucketPolicy(bucket: string): S3Error {
  return new S3Error('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket });
}

const getBucketPolicy: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (bucket.policy === undefined) throw noSuchBucketPolicy(bucket.name);
  return { status: 200, headers: { 'content-type': 'application/json' }, body: bucket.policy };
};

const putBucketPolicy: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const policy = ctx.body.toString('utf8');
  const document = validateBucketPolicy(policy, bucket.name);
  if (blockFlag(ctx.state, bucket, 'BlockPublicPolicy') && isPolicyPublic(document)) throw accessDenied();
  bucket.policy = policy;
  return emptyResponse(204);
};

const deleteBucketPolicy: S3Handler = (ctx) => {
  requireBucket(ctx).policy = undefined;
  return emptyResponse(204);
};

const getBucketPolicyStatus: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (bucket.policy === undefined) throw noSuchBucketPolicy(bucket.name);
  return xmlResponse('PolicyStatus', { IsPublic: String(isPolicyPublic(bucket.policy)) });
};

const getBucketAcl: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  return xmlResponse('AccessControlPolicy', aclXml(bucket.ownerId, bucket.acl));
};

const putBucketAcl: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const fromHeaders = requestedAcl(ctx, bucket.ownerId);
  const grants = fromHeaders ?? bodyGrants(parseXml(ctx.body));
  if (!fromHeaders && grants.length === 0) {
    throw new S3Error(
      'MalformedACLError',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  }
  if (bucket.objectOwnership === 'BucketOwnerEnforced' && !isOwnerOnly(grants, bucket.ownerId)) {
    throw new S3Error('AccessControlListNotSupported', 'The bucket does not allow ACLs', 400);
  }
  if (grants.some(isPublicGrant) && blockFlag(ctx.state, bucket, 'BlockPublicAcls')) throw accessDenied();
  bucket.acl = grants;
  return emptyResponse(200);
};

/** Handlers by operation name. */
export const bucketAccessHandlers: Record<string, S3Handler> = {
  GetBucketPolicy: getBucketPolicy,
  PutBucketPolicy: putBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
  GetBucketPolicyStatus: getBucketPolicyStatus,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
};
