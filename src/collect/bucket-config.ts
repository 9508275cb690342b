import {
  GetBucketAbacCommand,
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketInventoryConfigurationsCommand,
  type BlockedEncryptionTypes,
  type Grant,
  type InventoryConfiguration as S3InventoryConfiguration,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { call, callPages, derivedAbsent } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import { DERIVED, type Outcome } from '../snapshot/outcome.ts';
import type {
  AclGrant,
  BlockedEncryptionType,
  BucketSnapshot,
  InventoryConfiguration,
  PublicAccessBlock,
} from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';
import { oneOf, policyText, required, requiredBoolean, requiredList, ResponseFieldError } from './parse.ts';

/** Options of {@link collectBucketConfig}. */
export interface BucketConfigOptions {
  /**
   * Skip reads an earlier answer implies (config `collection.deriveImpliedReads`, default on): the
   * ACL with BucketOwnerEnforced, the policy status of a Deny-only policy.
   */
  deriveImpliedReads?: boolean | undefined;
  /** The bucket's tags, already read for the account (Tagging API); otherwise GetBucketTagging. */
  tags?: Outcome<Record<string, string>> | undefined;
}

/**
 * Everything about one bucket, asked in the bucket's region. Reads whose outcome an earlier answer
 * implies are not made, and are `absent` by derivation (`derived:<reason>`, citing that answer):
 * GetBucketPolicyStatus without a policy; and, with `deriveImpliedReads`, GetBucketPolicyStatus of a
 * policy with only Deny statements (it grants nothing, so S3 cannot call it public) and GetBucketAcl
 * when Object Ownership is BucketOwnerEnforced (ACLs are disabled: S3 ignores them for access).
 * Every other read is always made: its answer feeds a verdict or a population column and no other
 * answer implies it (versioning, ABAC and the inventory configurations included; see the README's
 * "What is collected per bucket").
 */
export async function collectBucketConfig(
  factory: ClientFactory,
  ref: BucketRef,
  opts: BucketConfigOptions = {},
): Promise<BucketSnapshot> {
  const r = ref.region;
  const Bucket = ref.name;
  const derive = opts.deriveImpliedReads ?? true;
  const policyAndStatus = (async () => {
    const policy = await call(factory, 's3', r, new GetBucketPolicyCommand({ Bucket }), (o) => ({
      text: policyText(o.Policy, 'Policy'),
    }));
    const policyStatus: Outcome<{ isPublic: boolean }> =
      policy.status === 'absent'
        ? derivedAbsent(DERIVED.noPolicy, policy.evidence)
        : derive && policy.status === 'ok' && denyOnly(policy.value.text)
          ? derivedAbsent(DERIVED.denyOnlyPolicy, policy.evidence)
          : await call(factory, 's3', r, new GetBucketPolicyStatusCommand({ Bucket }), (o) => ({
              isPublic: requiredBoolean(o.PolicyStatus?.IsPublic, 'PolicyStatus.IsPublic'),
            }));
    return { policy, policyStatus };
  })();
  const ownershipAndAcl = (async () => {
    const ownershipControls = await call(
      factory,
      's3',
      r,
      new GetBucketOwnershipControlsCommand({ Bucket }),
      (o) => ({
        objectOwnership: oneOf(
          o.OwnershipControls?.Rules?.[0]?.ObjectOwnership,
          OBJECT_OWNERSHIP,
          'OwnershipControls.Rule.ObjectOwnership',
        ),
      }),
    );
    const acl: BucketSnapshot['acl'] =
      derive &&
      ownershipControls.status === 'ok' &&
      ownershipControls.value.objectOwnership === 'BucketOwnerEnforced'
        ? derivedAbsent(DERIVED.aclsDisabled, ownershipControls.evidence)
        : await call(factory, 's3', r, new GetBucketAclCommand({ Bucket }), (o) => ({
            ownerId: required(o.Owner?.ID, 'Owner.ID'),
            grants: requiredList(o.Grants, 'AccessControlList').map(toGrant),
          }));
    return { ownershipControls, acl };
  })();
  const [
    encryption,
    publicAccessBlock,
    { ownershipControls, acl },
    tags,
    versioning,
    abac,
    inventoryConfigurations,
    { policy, policyStatus },
  ] = await Promise.all([
    call(factory, 's3', r, new GetBucketEncryptionCommand({ Bucket }), (o) => ({
      rules: requiredList(
        o.ServerSideEncryptionConfiguration?.Rules,
        'ServerSideEncryptionConfiguration.Rules',
      ).map((rule) => ({
        sseAlgorithm: oneOf(
          rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
          SSE_ALGORITHMS,
          'Rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm',
        ),
        // Absent means the AWS managed key aws/s3: S3 documents it so, it is not a default we invent.
        kmsMasterKeyId: rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID || undefined,
        bucketKeyEnabled: requiredBoolean(rule.BucketKeyEnabled, 'Rule.BucketKeyEnabled'),
        blockedEncryptionTypes: blockedTypes(rule.BlockedEncryptionTypes),
      })),
    })),
    call(factory, 's3', r, new GetPublicAccessBlockCommand({ Bucket }), (o) =>
      toPublicAccessBlock(o.PublicAccessBlockConfiguration),
    ),
    ownershipAndAcl,
    opts.tags ??
      call(factory, 's3', r, new GetBucketTaggingCommand({ Bucket }), (o) =>
        Object.fromEntries(
          requiredList(o.TagSet, 'TagSet').map((t) => [
            required(t.Key, 'Tag.Key'),
            required(t.Value, 'Tag.Value'),
          ]),
        ),
      ),
    call(factory, 's3', r, new GetBucketVersioningCommand({ Bucket }), (o) => ({
      status: o.Status,
      mfaDelete: o.MFADelete,
    })),
    call(factory, 's3', r, new GetBucketAbacCommand({ Bucket }), (o) => ({
      status: oneOf(o.AbacStatus?.Status, ABAC_STATUSES, 'AbacStatus.Status'),
    })),
    // Every page; a bucket without configurations answers an empty list, not an error.
    callPages(
      factory,
      's3',
      r,
      (token) =>
        new ListBucketInventoryConfigurationsCommand({
          Bucket,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      (o) => ({
        items: (o.InventoryConfigurationList ?? []).map(toInventoryConfiguration),
        next: o.IsTruncated ? required(o.NextContinuationToken, 'NextContinuationToken') : undefined,
      }),
    ),
    policyAndStatus,
  ]);
  return {
    name: ref.name,
    arn: ref.arn,
    accountId: ref.accountId,
    region: ref.region,
    creationDate: ref.creationDate,
    regionSource: ref.regionSource,
    encryption,
    policy,
    policyStatus,
    publicAccessBlock,
    acl,
    ownershipControls,
    tags,
    versioning,
    abac,
    inventoryConfigurations,
  };
}

/**
 * True when every statement of the policy is a Deny: such a policy grants no access, so it cannot be
 * public. Anything unexpected in the document (no statements, another effect) reads the status.
 */
export function denyOnly(text: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  const statement = (doc as { Statement?: unknown } | null)?.Statement;
  const statements = Array.isArray(statement) ? (statement as unknown[]) : [statement];
  return (
    statements.length > 0 &&
    statements.every(
      (s) => typeof s === 'object' && s !== null && (s as { Effect?: unknown }).Effect === 'Deny',
    )
  );
}

const SSE_ALGORITHMS = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;
const OBJECT_OWNERSHIP = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
const BLOCKED_TYPES = ['SSE-C', 'NONE'] as const;
const ABAC_STATUSES = ['Enabled', 'Disabled'] as const;
const GRANTEE_TYPES = ['CanonicalUser', 'Group', 'AmazonCustomerByEmail'] as const;
const PERMISSIONS = ['FULL_CONTROL', 'READ', 'READ_ACP', 'WRITE', 'WRITE_ACP'] as const;

/**
 * A rule's `BlockedEncryptionTypes`. The element is optional in S3's answer (no element: S3 does not
 * block SSE-C); when it is there, its `EncryptionType` list is what decides, so a present element
 * without one, or with a value S3 never sends, is a gap naming the field.
 */
function blockedTypes(b: BlockedEncryptionTypes | undefined): BlockedEncryptionType[] | undefined {
  if (b === undefined) return undefined;
  const list = requiredList(b.EncryptionType, 'Rule.BlockedEncryptionTypes.EncryptionType');
  if (list.length === 0)
    throw new ResponseFieldError('MissingField', 'Rule.BlockedEncryptionTypes.EncryptionType');
  return list.map((t) => oneOf(t, BLOCKED_TYPES, 'Rule.BlockedEncryptionTypes.EncryptionType'));
}

const INVENTORY_FORMATS = ['CSV', 'ORC', 'Parquet'] as const;

/** One inventory configuration; the members S3 always sends are required (a missing one is a gap). */
function toInventoryConfiguration(c: S3InventoryConfiguration): InventoryConfiguration {
  const dest = required(
    c.Destination?.S3BucketDestination,
    'InventoryConfiguration.Destination.S3BucketDestination',
  );
  return {
    id: required(c.Id, 'InventoryConfiguration.Id'),
    enabled: requiredBoolean(c.IsEnabled, 'InventoryConfiguration.IsEnabled'),
    includedObjectVersions: oneOf(
      c.IncludedObjectVersions,
      ['All', 'Current'] as const,
      'InventoryConfiguration.IncludedObjectVersions',
    ),
    frequency: oneOf(
      c.Schedule?.Frequency,
      ['Daily', 'Weekly'] as const,
      'InventoryConfiguration.Schedule.Frequency',
    ),
    optionalFields: [...(c.OptionalFields ?? [])],
    filterPrefix: c.Filter?.Prefix || undefined,
    destination: {
      bucketArn: required(dest.Bucket, 'InventoryConfiguration.Destination.S3BucketDestination.Bucket'),
      accountId: dest.AccountId || undefined,
      format: oneOf(
        dest.Format,
        INVENTORY_FORMATS,
        'InventoryConfiguration.Destination.S3BucketDestination.Format',
      ),
      prefix: dest.Prefix || undefined,
    },
  };
}

/** One ACL grant: the grantee is the member its type names (ID, URI or EmailAddress). */
function toGrant(g: Grant): AclGrant {
  const grantee = required(g.Grantee, 'Grant.Grantee');
  const type = oneOf(grantee.Type, GRANTEE_TYPES, 'Grant.Grantee.Type');
  const member = type === 'CanonicalUser' ? 'ID' : type === 'Group' ? 'URI' : 'EmailAddress';
  return {
    granteeType: type,
    grantee: required(grantee[member], `Grant.Grantee.${member}`),
    permission: oneOf(g.Permission, PERMISSIONS, 'Grant.Permission'),
  };
}

/** The four Block Public Access flags; each must be in the response (a missing flag is a gap, not `false`). */
export function toPublicAccessBlock(c: PublicAccessBlockConfiguration | undefined): PublicAccessBlock {
  const config = required(c, 'PublicAccessBlockConfiguration');
  const flag = (name: keyof PublicAccessBlockConfiguration): boolean =>
    requiredBoolean(config[name], `PublicAccessBlockConfiguration.${name}`);
  return {
    blockPublicAcls: flag('BlockPublicAcls'),
    ignorePublicAcls: flag('IgnorePublicAcls'),
    blockPublicPolicy: flag('BlockPublicPolicy'),
    restrictPublicBuckets: flag('RestrictPublicBuckets'),
  };
}
