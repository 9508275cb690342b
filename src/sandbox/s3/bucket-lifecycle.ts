/**
 * Buckets coming and going: CreateBucket, DeleteBucket, ListBuckets (paginated), HeadBucket,
 * GetBucketLocation.
 */
import { parseXml, child, text } from '../xml.ts';
import { cannedAcl, headerGrants, isOwnerOnly, isPublicGrant } from './acl.ts';
import { isValidBucketName, newBucket, S3_REGIONS } from './bucket-defaults.ts';
import { emptyResponse, header, requireBucket, S3Error, xmlResponse } from './context.ts';
import type { S3Context, S3Handler } from './context.ts';
import { recordBucketChange } from './history.ts';
import type { BucketState, GrantState } from '../types.ts';

const OWNERSHIP_VALUES = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;

/** The region a CreateBucket request creates the bucket in, following S3's endpoint rules. */
function creationRegion(ctx: S3Context): string {
  const constraint = text(child(parseXml(ctx.body), 'CreateBucketConfiguration'), 'LocationConstraint');
  if (constraint === undefined || constraint === '') {
    if (ctx.region === 'us-east-1') return 'us-east-1';
    throw new S3Error(
      'IllegalLocationConstraintException',
      'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
      400,
    );
  }
  const region = constraint === 'EU' ? 'eu-west-1' : constraint;
  if (constraint === 'us-east-1' || !S3_REGIONS.has(region)) {
    throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, {
      LocationConstraint: constraint,
    });
  }
  if (ctx.region !== 'us-east-1' && region !== ctx.region) {
    throw new S3Error(
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  return region;
}

function requestedOwnership(ctx: S3Context): BucketState['objectOwnership'] {
  const value = header(ctx, 'x-amz-object-ownership');
  if (value === undefined) return 'BucketOwnerEnforced';
  if (!(OWNERSHIP_VALUES as readonly string[]).includes(value)) {
    throw new S3Error('InvalidArgument', 'Invalid x-amz-object-ownership header', 400, {
      ArgumentName: 'x-amz-object-ownership',
    });
  }
  return value as BucketState['objectOwnership'];
}

/** The ACL requested by `x-amz-acl` or `x-amz-grant-*` headers, if any. */
export function requestedAcl(ctx: S3Context, ownerId: string): GrantState[] | undefined {
  const canned = header(ctx, 'x-amz-acl');
  const grants = headerGrants(ctx.headers);
  if (canned !== undefined && grants !== undefined) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed', 400);
  }
  return canned !== undefined ? cannedAcl(canned, ownerId) : grants;
}

const createBucket: S3Handler = (ctx) => {
  const name = ctx.bucketName ?? '';
  if (!isValidBucketName(name)) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
  }
  const existing = ctx.state.buckets.get(name);
  if (existing) {
    if (existing.accountId !== ctx.caller.accountId) {
      throw new S3Error(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
        409,
        { BucketName: name },
      );
    }
    // Legacy us-east-1 behaviour: re-creating your own bucket there succeeds.
    if (existing.region === 'us-east-1' && ctx.region === 'us-east-1')
      return emptyResponse(200, { location: `/${name}` });
    throw new S3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: name },
    );
  }
  const region = creationRegion(ctx);
  const account = ctx.state.account(ctx.caller.accountId);
  const bucket = newBucket({
    name,
    accountId: account.id,
    canonicalId: account.canonicalId,
    region,
    creationDate: ctx.state.now(),
  });
  bucket.objectOwnership = requestedOwnership(ctx);
  const acl = requestedAcl(ctx, account.canonicalId);
  if (acl) {
    if (bucket.objectOwnership === 'BucketOwnerEnforced' && !isOwnerOnly(acl, account.canonicalId)) {
      throw new S3Error(
        'InvalidBucketAclWithObjectOwnership',
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        400,
      );
    }
    if (acl.some(isPublicGrant)) {
      throw new S3Error(
        'InvalidBucketAclWithBlockPublicAccessError',
        'Bucket cannot have public ACLs set with BlockPublicAccess enabled',
        400,
      );
    }
    bucket.acl = acl;
  }
  if (header(ctx, 'x-amz-bucket-object-lock-enabled')?.toLowerCase() === 'true') {
    bucket.objectLock = { enabled: true };
    bucket.versioning = 'Enabled';
  }
  ctx.state.buckets.set(name, bucket);
  recordBucketChange(ctx.state, bucket, 'ResourceDiscovered');
  return emptyResponse(200, { location: `/${name}` });
};

const deleteBucket: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if ([...bucket.objects.values()].some((versions) => versions.length > 0)) {
    throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
      BucketName: bucket.name,
    });
  }
  ctx.state.buckets.delete(bucket.name);
  recordBucketChange(ctx.state, bucket, 'ResourceDeleted');
  return emptyResponse(204);
};

const MAX_BUCKETS_LIMIT = 10_000;

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  if (!decoded.startsWith('b:'))
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: 'continuation-token',
    });
  return decoded.slice(2);
}

const listBuckets: S3Handler = (ctx) => {
  const maxText = ctx.query.get('max-buckets');
  const max = maxText === null ? MAX_BUCKETS_LIMIT : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > MAX_BUCKETS_LIMIT) {
    throw new S3Error('InvalidArgument', 'Argument max-buckets must be an integer between 1 and 10000', 400, {
      ArgumentName: 'max-buckets',
    });
  }
  const token = ctx.query.get('continuation-token');
  const after = token ? decodeToken(token) : undefined;
  const prefix = ctx.query.get('prefix') ?? '';
  const regionFilter = ctx.query.get('bucket-region');
  const owned = [...ctx.state.buckets.values()]
    .filter((b) => b.accountId === ctx.caller.accountId && b.name.startsWith(prefix))
    .filter((b) => !regionFilter || b.region === regionFilter)
    .filter((b) => after === undefined || b.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = owned.slice(0, max);
  const last = page.at(-1);
  const more = owned.length > page.length && last !== undefined;
  const account = ctx.state.account(ctx.caller.accountId);
  return xmlResponse('ListAllMyBucketsResult', {
    Buckets: {
      Bucket: page.map((b) => ({
        Name: b.name,
        CreationDate: b.creationDate.toISOString(),
        BucketRegion: b.region,
      })),
    },
    Owner: { ID: account.canonicalId },
    ...(more ? { ContinuationToken: Buffer.from(`b:${last.name}`).toString('base64url') } : {}),
    ...(prefix ? { Prefix: prefix } : {}),
  });
};

const headBucket: S3Handler = (ctx) => {
  const bucket = ctx.state.buckets.get(ctx.bucketName ?? '');
  const regionHeader: Record<string, string> = bucket ? { 'x-amz-bucket-region': bucket.region } : {};
  try {
    requireBucket(ctx);
  } catch (error) {
    if (error instanceof S3Error)
      throw new S3Error(
        error.code,
        error.message,
        error.status,
        {},
        { ...error.extraHeaders, ...regionHeader },
      );
    throw error;
  }
  return emptyResponse(200, { ...regionHeader, 'x-amz-access-point-alias': 'false' });
};

const getBucketLocation: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  return xmlResponse('LocationConstraint', bucket.region === 'us-east-1' ? {} : { '#text': bucket.region });
};

/** Handlers by operation name. */
export const bucketLifecycleHandlers: Record<string, S3Handler> = {
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  ListBuckets: listBuckets,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
};
