/**
 * Bucket configuration reads and writes: default encryption (with SSE-C blocking), Block Public
 * Access, ownership controls, tags, versioning, Object Lock, logging and ABAC — with the "not configured" errors AWS gives.
 */
import type { PabState } from '../types.ts';
import { child, children, parseXml, text, texts } from '../xml.ts';
import type { XmlNode } from '../xml.ts';
import { defaultEncryptionRule } from './bucket-defaults.ts';
import { emptyResponse, requireBucket, S3Error, xmlResponse } from './context.ts';
import type { S3Handler } from './context.ts';

const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'];
const PAB_FLAGS: (keyof PabState)[] = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
];

function malformedXml(): S3Error {
  return new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );
}

const getBucketEncryption: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (!bucket.encryption) {
    throw new S3Error(
      'ServerSideEncryptionConfigurationNotFoundError',
      'The server side encryption configuration was not found',
      404,
      { BucketName: bucket.name },
    );
  }
  return xmlResponse('ServerSideEncryptionConfiguration', {
    Rule: bucket.encryption.map((rule) => ({
      ApplyServerSideEncryptionByDefault: {
        SSEAlgorithm: rule.SSEAlgorithm,
        ...(rule.KMSMasterKeyID ? { KMSMasterKeyID: rule.KMSMasterKeyID } : {}),
      },
      BucketKeyEnabled: String(rule.BucketKeyEnabled ?? false),
      ...(rule.BlockedEncryptionTypes
        ? { BlockedEncryptionTypes: { EncryptionType: rule.BlockedEncryptionTypes } }
        : {}),
    })),
  });
};

const BLOCKED_ENCRYPTION_TYPES = ['SSE-C', 'NONE'];

/**
 * `BlockedEncryptionTypes` of a rule in a PutBucketEncryption body: an object holding a flattened
 * `EncryptionType` list (`SSE-C` | `NONE`), not a list itself.
 */
function blockedTypesOf(rule: XmlNode): string[] | undefined {
  if (!Object.hasOwn(rule, 'BlockedEncryptionTypes')) return undefined;
  const types = texts(child(rule, 'BlockedEncryptionTypes'), 'EncryptionType');
  if (types.length === 0 || types.some((t) => !BLOCKED_ENCRYPTION_TYPES.includes(t))) throw malformedXml();
  return [...new Set(types)];
}

const putBucketEncryption: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const rules = children(child(parseXml(ctx.body), 'ServerSideEncryptionConfiguration'), 'Rule');
  if (rules.length === 0) throw malformedXml();
  bucket.encryption = rules.map((rule) => {
    const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault');
    const algorithm = text(byDefault, 'SSEAlgorithm') ?? '';
    if (!SSE_ALGORITHMS.includes(algorithm)) throw malformedXml();
    const keyId = text(byDefault, 'KMSMasterKeyID');
    if (keyId && algorithm === 'AES256') {
      throw new S3Error(
        'InvalidArgument',
        'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
        400,
        {
          ArgumentName: 'ApplyServerSideEncryptionByDefault',
        },
      );
    }
    // The call replaces the whole configuration: a rule without BlockedEncryptionTypes no longer blocks SSE-C.
    return {
      SSEAlgorithm: algorithm,
      KMSMasterKeyID: keyId || undefined,
      BucketKeyEnabled: text(rule, 'BucketKeyEnabled') === 'true',
      BlockedEncryptionTypes: blockedTypesOf(rule),
    };
  });
  return emptyResponse(200);
};

const deleteBucketEncryption: S3Handler = (ctx) => {
  // Since January 2023 AWS falls back to SSE-S3: a bucket is never left without default encryption.
  // Only a scenario can create a "legacy" bucket with none (state loaded directly), as older
  // partitions and emulators report it. The fallback is the default of a new bucket in its region,
  // SSE-C blocked included.
  const bucket = requireBucket(ctx);
  bucket.encryption = [defaultEncryptionRule(bucket.region)];
  return emptyResponse(204);
};

const getPublicAccessBlock: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (!bucket.publicAccessBlock) {
    throw new S3Error(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      404,
      { BucketName: bucket.name },
    );
  }
  return xmlResponse('PublicAccessBlockConfiguration', pabXml(bucket.publicAccessBlock));
};

/** PAB flags as XML element values. */
export function pabXml(pab: PabState): Record<string, string> {
  return Object.fromEntries(PAB_FLAGS.map((flag) => [flag, String(pab[flag])]));
}

/** Read a `PublicAccessBlockConfiguration` body (missing flags are false). */
export function parsePab(body: Buffer): PabState {
  const node = child(parseXml(body), 'PublicAccessBlockConfiguration');
  const pab = {} as PabState;
  for (const flag of PAB_FLAGS) pab[flag] = text(node, flag)?.toLowerCase() === 'true';
  return pab;
}

const putPublicAccessBlock: S3Handler = (ctx) => {
  requireBucket(ctx).publicAccessBlock = parsePab(ctx.body);
  return emptyResponse(200);
};

const deletePublicAccessBlock: S3Handler = (ctx) => {
  requireBucket(ctx).publicAccessBlock = undefined;
  return emptyResponse(204);
};

const OWNERSHIP = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;

const getBucketOwnershipControls: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (!bucket.objectOwnership) {
    throw new S3Error('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', 404, {
      BucketName: bucket.name,
    });
  }
  return xmlResponse('OwnershipControls', { Rule: [{ ObjectOwnership: bucket.objectOwnership }] });
};

const putBucketOwnershipControls: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const rules = children(child(parseXml(ctx.body), 'OwnershipControls'), 'Rule');
  const value = rules.length === 1 && rules[0] ? text(rules[0], 'ObjectOwnership') : undefined;
  const ownership = OWNERSHIP.find((o) => o === value);
  if (!ownership) throw malformedXml();
  bucket.objectOwnership = ownership;
  return emptyResponse(200);
};

const deleteBucketOwnershipControls: S3Handler = (ctx) => {
  requireBucket(ctx).objectOwnership = undefined;
  return emptyResponse(204);
};

const getBucketTagging: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (!bucket.tags)
    throw new S3Error('NoSuchTagSet', 'The TagSet does not exist', 404, { BucketName: bucket.name });
  return xmlResponse('Tagging', {
    TagSet: { Tag: Object.entries(bucket.tags).map(([Key, Value]) => ({ Key, Value })) },
  });
};

function invalidTag(message: string): S3Error {
  return new S3Error('InvalidTag', message, 400);
}

const putBucketTagging: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const tags = children(child(child(parseXml(ctx.body), 'Tagging'), 'TagSet'), 'Tag');
  if (tags.length > 50) throw invalidTag('Object tags cannot be greater than 50');
  const result: Record<string, string> = {};
  for (const tag of tags) {
    const key = text(tag, 'Key') ?? '';
    const value = text(tag, 'Value') ?? '';
    if (key.length === 0 || key.length > 128) throw invalidTag('The TagKey you have provided is invalid');
    if (value.length > 256) throw invalidTag('The TagValue you have provided is invalid');
    if (key.toLowerCase().startsWith('aws:'))
      throw invalidTag('System tags cannot be added/updated by requester');
    if (Object.hasOwn(result, key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    result[key] = value;
  }
  bucket.tags = tags.length > 0 ? result : undefined;
  return emptyResponse(204);
};

const deleteBucketTagging: S3Handler = (ctx) => {
  requireBucket(ctx).tags = undefined;
  return emptyResponse(204);
};

const getBucketVersioning: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  return xmlResponse('VersioningConfiguration', bucket.versioning ? { Status: bucket.versioning } : {});
};

const putBucketVersioning: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const status = text(child(parseXml(ctx.body), 'VersioningConfiguration'), 'Status');
  if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
  if (status === 'Suspended' && bucket.objectLock?.enabled) {
    throw new S3Error(
      'InvalidBucketState',
      'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
      409,
    );
  }
  bucket.versioning = status;
  return emptyResponse(200);
};

const getObjectLockConfiguration: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  if (!bucket.objectLock?.enabled) {
    throw new S3Error(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
      404,
      { BucketName: bucket.name },
    );
  }
  const { mode, days, years } = bucket.objectLock;
  return xmlResponse('ObjectLockConfiguration', {
    ObjectLockEnabled: 'Enabled',
    ...(mode
      ? {
          Rule: {
            DefaultRetention: {
              Mode: mode,
              ...(days ? { Days: String(days) } : {}),
              ...(years ? { Years: String(years) } : {}),
            },
          },
        }
      : {}),
  });
};

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw malformedXml();
  return n;
}

const putObjectLockConfiguration: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const config = child(parseXml(ctx.body), 'ObjectLockConfiguration');
  if (text(config, 'ObjectLockEnabled') !== 'Enabled') throw malformedXml();
  if (!bucket.objectLock?.enabled && bucket.versioning !== 'Enabled') {
    throw new S3Error(
      'InvalidBucketState',
      "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
      409,
    );
  }
  const retention = child(children(config, 'Rule')[0] ?? {}, 'DefaultRetention');
  const mode = text(retention, 'Mode');
  const days = positiveInt(text(retention, 'Days'));
  const years = positiveInt(text(retention, 'Years'));
  if (mode !== undefined && mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw malformedXml();
  if (
    (mode !== undefined) !== (days !== undefined || years !== undefined) ||
    (days !== undefined && years !== undefined)
  ) {
    throw malformedXml();
  }
  bucket.objectLock = { enabled: true, mode, days, years };
  return emptyResponse(200);
};

const ABAC_STATUSES = ['Enabled', 'Disabled'] as const;

/** GetBucketAbac: `Disabled` until PutBucketAbac enables it (ABAC is off by default). */
const getBucketAbac: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  return xmlResponse('AbacStatus', { Status: bucket.abac ?? 'Disabled' });
};

const putBucketAbac: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const status = text(child(parseXml(ctx.body), 'AbacStatus'), 'Status');
  const valid = ABAC_STATUSES.find((s) => s === status);
  if (!valid) throw malformedXml();
  bucket.abac = valid;
  return emptyResponse(200);
};

const getBucketLogging: S3Handler = (ctx) => {
  requireBucket(ctx);
  return xmlResponse('BucketLoggingStatus', {});
};

/** Handlers by operation name. */
export const bucketConfigHandlers: Record<string, S3Handler> = {
  GetBucketEncryption: getBucketEncryption,
  PutBucketEncryption: putBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
  GetPublicAccessBlock: getPublicAccessBlock,
  PutPublicAccessBlock: putPublicAccessBlock,
  DeletePublicAccessBlock: deletePublicAccessBlock,
  GetBucketOwnershipControls: getBucketOwnershipControls,
  PutBucketOwnershipControls: putBucketOwnershipControls,
  DeleteBucketOwnershipControls: deleteBucketOwnershipControls,
  GetBucketTagging: getBucketTagging,
  PutBucketTagging: putBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  GetObjectLockConfiguration: getObjectLockConfiguration,
  PutObjectLockConfiguration: putObjectLockConfiguration,
  GetBucketLogging: getBucketLogging,
  GetBucketAbac: getBucketAbac,
  PutBucketAbac: putBucketAbac,
};
