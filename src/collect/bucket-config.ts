import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { call, derivedAbsent } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Outcome } from '../aws/outcome.ts';
import type { AclGrant, BucketSnapshot, PublicAccessBlock } from '../snapshot/model.ts';
import type { BucketRef } from './buckets.ts';
import { required } from './parse.ts';

/**
 * Everything about one bucket, asked in the bucket's region. GetBucketPolicyStatus is asked only when
 * a policy exists or the policy read was a gap; with no policy it is `absent` by derivation.
 */
export async function collectBucketConfig(factory: ClientFactory, ref: BucketRef): Promise<BucketSnapshot> {
  const r = ref.region;
  const Bucket = ref.name;
  const policyAndStatus = (async () => {
    const policy = await call(factory, 's3', r, new GetBucketPolicyCommand({ Bucket }), (o) => ({
      text: required(o.Policy, 'Policy'),
    }));
    const policyStatus: Outcome<{ isPublic: boolean }> =
      policy.status === 'absent'
        ? derivedAbsent('NoSuchBucketPolicy', policy.evidence)
        : await call(factory, 's3', r, new GetBucketPolicyStatusCommand({ Bucket }), (o) => ({
            isPublic: o.PolicyStatus?.IsPublic ?? false,
          }));
    return { policy, policyStatus };
  })();
  const [encryption, publicAccessBlock, acl, ownershipControls, tags, versioning, { policy, policyStatus }] =
    await Promise.all([
      call(factory, 's3', r, new GetBucketEncryptionCommand({ Bucket }), (o) => ({
        rules: (o.ServerSideEncryptionConfiguration?.Rules ?? []).map((rule) => ({
          sseAlgorithm: required(rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'SSEAlgorithm'),
          kmsMasterKeyId: rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID || undefined,
          bucketKeyEnabled: rule.BucketKeyEnabled ?? false,
        })),
      })),
      call(factory, 's3', r, new GetPublicAccessBlockCommand({ Bucket }), (o) =>
        toPublicAccessBlock(o.PublicAccessBlockConfiguration),
      ),
      call(factory, 's3', r, new GetBucketAclCommand({ Bucket }), (o) => ({
        ownerId: o.Owner?.ID ?? '',
        grants: (o.Grants ?? []).map((g): AclGrant => ({
          granteeType: g.Grantee?.Type ?? 'Unknown',
          grantee: g.Grantee?.ID ?? g.Grantee?.URI ?? g.Grantee?.EmailAddress ?? '',
          permission: g.Permission ?? '',
        })),
      })),
      call(factory, 's3', r, new GetBucketOwnershipControlsCommand({ Bucket }), (o) => ({
        objectOwnership: required(o.OwnershipControls?.Rules?.[0]?.ObjectOwnership, 'ObjectOwnership'),
      })),
      call(factory, 's3', r, new GetBucketTaggingCommand({ Bucket }), (o) =>
        Object.fromEntries((o.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      ),
      call(factory, 's3', r, new GetBucketVersioningCommand({ Bucket }), (o) => ({
        status: o.Status,
        mfaDelete: o.MFADelete,
      })),
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
  };
}

/** The four Block Public Access flags; a flag missing from the response is `false`. */
export function toPublicAccessBlock(c: PublicAccessBlockConfiguration | undefined): PublicAccessBlock {
  return {
    blockPublicAcls: c?.BlockPublicAcls ?? false,
    ignorePublicAcls: c?.IgnorePublicAcls ?? false,
    blockPublicPolicy: c?.BlockPublicPolicy ?? false,
    restrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
  };
}
