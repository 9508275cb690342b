/**
 * S3 Inventory configurations over REST-XML (`?inventory&id=…`): Put, Get, List (100 per page,
 * continuation token) and Delete, with the errors S3 gives (`MalformedXML` for a body outside the
 * schema, `InvalidArgument`, `TooManyConfigurations` past 1,000, `NoSuchConfiguration` 404).
 */
import type { InventoryConfigState } from '../types.ts';
import { child, parseXml, text, texts } from '../xml.ts';
import type { XmlNode } from '../xml.ts';
import { emptyResponse, requireBucket, S3Error, xmlResponse } from './context.ts';
import type { S3Handler } from './context.ts';

/** S3 lists at most this many configurations per ListBucketInventoryConfigurations page. */
export const INVENTORY_PAGE_SIZE = 100;
/** S3's limit of inventory configurations per bucket. */
const MAX_CONFIGURATIONS = 1000;

/**
 * The optional fields S3 Inventory documents (`InventoryOptionalField`), in the order S3 places
 * them in a report's `fileSchema` (ETag before StorageClass, unlike the API reference's list).
 */
export const INVENTORY_OPTIONAL_FIELDS = [
  'Size',
  'LastModifiedDate',
  'ETag',
  'StorageClass',
  'IsMultipartUploaded',
  'ReplicationStatus',
  'EncryptionStatus',
  'ObjectLockRetainUntilDate',
  'ObjectLockMode',
  'ObjectLockLegalHoldStatus',
  'IntelligentTieringAccessTier',
  'BucketKeyStatus',
  'ChecksumAlgorithm',
  'ObjectAccessControlList',
  'ObjectOwner',
  'LifecycleExpirationDate',
  'IntelligentTieringReferenceDate',
  'ObjectLockEventHoldStatus',
  'ObjectLockEventHoldDuration',
] as const;

function malformedXml(): S3Error {
  return new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
    400,
  );
}

function invalidArgument(message: string, name: string, value: string): S3Error {
  return new S3Error('InvalidArgument', message, 400, { ArgumentName: name, ArgumentValue: value });
}

function noSuchConfiguration(): S3Error {
  return new S3Error('NoSuchConfiguration', 'The specified configuration does not exist.', 404);
}

/** One of `allowed`, or `MalformedXML` (the schema's enumerations). */
function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (!found) throw malformedXml();
  return found;
}

/** The `id` query parameter: required, 1–64 characters of letters, digits, `.`, `-`, `_`. */
function idOf(query: URLSearchParams): string {
  const id = query.get('id');
  if (id === null || id === '') throw invalidArgument('Inventory ID is missing.', 'id', '');
  if (id.length > 64 || !/^[A-Za-z0-9._-]+$/.test(id))
    throw invalidArgument('The inventory ID you specified is not valid.', 'id', id);
  return id;
}

function encryptionOf(node: XmlNode): InventoryConfigState['destination']['encryption'] {
  if (!Object.hasOwn(node, 'Encryption')) return undefined;
  const enc = child(node, 'Encryption');
  const sseS3 = Object.hasOwn(enc, 'SSE-S3');
  const sseKms = Object.hasOwn(enc, 'SSE-KMS');
  if (sseS3 === sseKms) throw malformedXml();
  if (sseS3) return { kind: 'SSE-S3' };
  const keyId = text(child(enc, 'SSE-KMS'), 'KeyId');
  if (!keyId) throw malformedXml();
  return { kind: 'SSE-KMS', keyId };
}

/** A PutBucketInventoryConfiguration body, validated as S3 validates it. */
export function parseInventoryConfiguration(body: Buffer, id: string): InventoryConfigState {
  const doc = parseXml(body);
  if (!Object.hasOwn(doc, 'InventoryConfiguration')) throw malformedXml();
  const c = child(doc, 'InventoryConfiguration');
  const bodyId = text(c, 'Id');
  if (bodyId === undefined) throw malformedXml();
  if (bodyId !== id)
    throw invalidArgument('The inventory ID in the request body does not match the ID in the URI.', 'id', id);
  const isEnabled = oneOf(text(c, 'IsEnabled'), ['true', 'false'] as const) === 'true';
  const dest = child(child(c, 'Destination'), 'S3BucketDestination');
  const bucketArn = text(dest, 'Bucket');
  if (!bucketArn) throw malformedXml();
  if (!/^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketArn))
    throw invalidArgument('Invalid destination bucket ARN.', 'Bucket', bucketArn);
  const accountId = text(dest, 'AccountId');
  if (accountId !== undefined && !/^\d{12}$/.test(accountId))
    throw invalidArgument('Invalid account id.', 'AccountId', accountId);
  const optionalFields = texts(child(c, 'OptionalFields'), 'Field').map((f) =>
    oneOf(f, INVENTORY_OPTIONAL_FIELDS),
  );
  const filter = Object.hasOwn(c, 'Filter') ? child(c, 'Filter') : undefined;
  const filterPrefix = filter ? text(filter, 'Prefix') : undefined;
  if (filter && filterPrefix === undefined) throw malformedXml();
  return {
    id,
    isEnabled,
    includedObjectVersions: oneOf(text(c, 'IncludedObjectVersions'), ['All', 'Current'] as const),
    frequency: oneOf(text(child(c, 'Schedule'), 'Frequency'), ['Daily', 'Weekly'] as const),
    optionalFields: [...new Set(optionalFields)],
    filterPrefix: filterPrefix || undefined,
    destination: {
      bucketArn,
      accountId,
      format: oneOf(text(dest, 'Format'), ['CSV', 'ORC', 'Parquet'] as const),
      prefix: text(dest, 'Prefix') || undefined,
      encryption: encryptionOf(dest),
    },
  };
}

/** A stored configuration as the `InventoryConfiguration` element S3 returns. */
function configurationXml(c: InventoryConfigState): XmlNode {
  const d = c.destination;
  const encryption =
    d.encryption?.kind === 'SSE-S3'
      ? { Encryption: { 'SSE-S3': '' } }
      : d.encryption?.kind === 'SSE-KMS'
        ? { Encryption: { 'SSE-KMS': { KeyId: d.encryption.keyId } } }
        : {};
  return {
    Destination: {
      S3BucketDestination: {
        ...(d.accountId ? { AccountId: d.accountId } : {}),
        Bucket: d.bucketArn,
        Format: d.format,
        ...(d.prefix ? { Prefix: d.prefix } : {}),
        ...encryption,
      },
    },
    IsEnabled: String(c.isEnabled),
    ...(c.filterPrefix ? { Filter: { Prefix: c.filterPrefix } } : {}),
    Id: c.id,
    IncludedObjectVersions: c.includedObjectVersions,
    ...(c.optionalFields.length > 0 ? { OptionalFields: { Field: c.optionalFields } } : {}),
    Schedule: { Frequency: c.frequency },
  };
}

const putBucketInventoryConfiguration: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const id = idOf(ctx.query);
  const config = parseInventoryConfiguration(ctx.body, id);
  const configs = (bucket.inventory ??= new Map());
  if (!configs.has(id) && configs.size >= MAX_CONFIGURATIONS) {
    throw new S3Error(
      'TooManyConfigurations',
      'You are attempting to create a new configuration but have already reached the 1,000-configuration limit.',
      400,
    );
  }
  configs.set(id, config);
  return emptyResponse(200);
};

const getBucketInventoryConfiguration: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const config = bucket.inventory?.get(idOf(ctx.query));
  if (!config) throw noSuchConfiguration();
  return xmlResponse('InventoryConfiguration', configurationXml(config));
};

const deleteBucketInventoryConfiguration: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const id = idOf(ctx.query);
  if (!bucket.inventory?.delete(id)) throw noSuchConfiguration();
  return emptyResponse(204);
};

/**
 * ListBucketInventoryConfigurations: ids in order, {@link INVENTORY_PAGE_SIZE} per page. A bucket
 * without configurations answers an empty list (`IsTruncated` false), not an error.
 */
const listBucketInventoryConfigurations: S3Handler = (ctx) => {
  const bucket = requireBucket(ctx);
  const token = ctx.query.get('continuation-token');
  let after = '';
  if (token !== null) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (token === '' || Buffer.from(after, 'utf8').toString('base64url') !== token)
      throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  const all = [...(bucket.inventory?.values() ?? [])]
    .filter((c) => c.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const page = all.slice(0, INVENTORY_PAGE_SIZE);
  const truncated = all.length > page.length;
  return xmlResponse('ListInventoryConfigurationsResult', {
    ...(token !== null ? { ContinuationToken: token } : {}),
    InventoryConfiguration: page.map(configurationXml),
    IsTruncated: String(truncated),
    ...(truncated
      ? { NextContinuationToken: Buffer.from(page.at(-1)?.id ?? '', 'utf8').toString('base64url') }
      : {}),
  });
};

/** Handlers by operation name. */
export const inventoryHandlers: Record<string, S3Handler> = {
  PutBucketInventoryConfiguration: putBucketInventoryConfiguration,
  GetBucketInventoryConfiguration: getBucketInventoryConfiguration,
  DeleteBucketInventoryConfiguration: deleteBucketInventoryConfiguration,
  ListBucketInventoryConfigurations: listBucketInventoryConfigurations,
};
