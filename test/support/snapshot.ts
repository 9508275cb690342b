/**
 * The one snapshot builder for all tests (checks, capture, render, period, diff, e2e): buckets, keys,
 * trails, Config and accounts as the collectors read them, each outcome made by the typed builders in
 * ./outcomes.ts, so a test can only describe an estate the collectors could have produced.
 */
import type { Outcome } from '../../src/snapshot/outcome.ts';
import { absentOf, deniedOf, okOf, ref } from './outcomes.ts';
import type {
  AccountSnapshot,
  BucketSnapshot,
  ConfigRegionSnapshot,
  InventoryConfiguration,
  InventoryReportCounts,
  KmsKeyMetadata,
  KmsKeySnapshot,
  OrganizationAccount,
  OrganizationPathNode,
  OrganizationPolicy,
  OrganizationPolicyType,
  OrganizationSnapshot,
  PolicyTargetListing,
  Snapshot,
  TrailSnapshot,
} from '../../src/snapshot/model.ts';
import type { Config } from '../../src/config/schema.ts';
import { configSchema } from '../../src/config/schema.ts';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
export { absentOf, deniedOf, errorOf, okOf, ref, resetRefs } from './outcomes.ts';

const ALL_ON = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};

/** Block Public Access with all four settings off (as S3 Control reports them under an S3 policy "none"). */
export const ALL_OFF = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};

/** An S3 policy document (`S3_POLICY`) that assigns `public_access_block_configuration`. */
export function s3BpaPolicy(value: 'all' | 'none'): string {
  return JSON.stringify({ s3_attributes: { public_access_block_configuration: { '@@assign': value } } });
}

/** A policy document string for a bucket. */
export function policyText(statements: unknown[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * A bucket as AWS creates one today (SSE-S3, BPA on, BucketOwnerEnforced, no policy), with overrides.
 * Its reads are recorded in the bucket's own account and region (`over.accountId`, `over.region`).
 */
export function bucket(name: string, over: Partial<BucketSnapshot> = {}): BucketSnapshot {
  const site = { accountId: over.accountId ?? ACCOUNT, region: over.region ?? REGION };
  const s3 = (op: string) => ref('s3', op, site);
  return {
    name,
    arn: `arn:aws:s3:::${name}`,
    accountId: site.accountId,
    region: site.region,
    regionSource: 'ListBuckets',
    encryption: okOf(
      { rules: [{ sseAlgorithm: 'AES256', bucketKeyEnabled: false }] },
      'GetBucketEncryption',
      's3',
      s3('GetBucketEncryption'),
    ),
    policy: absentOf('NoSuchBucketPolicy', 'GetBucketPolicy', 's3', s3('GetBucketPolicy')),
    policyStatus: absentOf('NoSuchBucketPolicy', 'GetBucketPolicyStatus', 's3', s3('GetBucketPolicyStatus')),
    publicAccessBlock: okOf({ ...ALL_ON }, 'GetPublicAccessBlock', 's3', s3('GetPublicAccessBlock')),
    acl: okOf(
      {
        ownerId: 'owner',
        grants: [{ granteeType: 'CanonicalUser', grantee: 'owner', permission: 'FULL_CONTROL' }],
      },
      'GetBucketAcl',
      's3',
      s3('GetBucketAcl'),
    ),
    ownershipControls: okOf(
      { objectOwnership: 'BucketOwnerEnforced' },
      'GetBucketOwnershipControls',
      's3',
      s3('GetBucketOwnershipControls'),
    ),
    tags: absentOf('NoSuchTagSet', 'GetBucketTagging', 's3', s3('GetBucketTagging')),
    versioning: okOf({}, 'GetBucketVersioning', 's3', s3('GetBucketVersioning')),
    inventoryConfigurations: okOf(
      [],
      'ListBucketInventoryConfigurations',
      's3',
      s3('ListBucketInventoryConfigurations'),
    ),
    ...over,
  };
}

/** An S3 Inventory configuration as ListBucketInventoryConfigurations returns it (daily CSV, EncryptionStatus). */
export function inventoryConfig(over: Partial<InventoryConfiguration> = {}): InventoryConfiguration {
  return {
    id: 'daily-encryption',
    enabled: true,
    includedObjectVersions: 'Current',
    frequency: 'Daily',
    optionalFields: ['Size', 'EncryptionStatus', 'BucketKeyStatus'],
    destination: { bucketArn: 'arn:aws:s3:::acme-inventory', format: 'CSV', prefix: 'inventory' },
    ...over,
  };
}

/** The counts of a read inventory report; statuses not given count 0. */
export function inventoryCounts(
  byStatus: Partial<InventoryReportCounts['byEncryptionStatus']>,
  over: Partial<InventoryReportCounts> = {},
): InventoryReportCounts {
  const byEncryptionStatus = {
    'SSE-KMS': 0,
    'DSSE-KMS': 0,
    'SSE-S3': 0,
    'SSE-C': 0,
    'NOT-SSE': 0,
    ...byStatus,
  };
  return {
    manifestKey: 'inventory/b/daily-encryption/2026-02-28T01-00Z/manifest.json',
    createdAt: '2026-02-28T01:00:00.000Z',
    fileSchema: ['Bucket', 'Key', 'Size', 'EncryptionStatus', 'BucketKeyStatus'],
    dataFiles: 1,
    objects: Object.values(byEncryptionStatus).reduce((a, b) => a + b, 0),
    byEncryptionStatus,
    otherStatuses: {},
    dataEvidence: [ref('s3', 'GetObject')],
    ...over,
  };
}

/** A bucket with the given policy (IsPublic as given). */
export function withPolicy(b: BucketSnapshot, statements: unknown[], isPublic = false): BucketSnapshot {
  const site = { accountId: b.accountId, region: b.region };
  return {
    ...b,
    policy: okOf(
      { text: policyText(statements) },
      'GetBucketPolicy',
      's3',
      ref('s3', 'GetBucketPolicy', site),
    ),
    policyStatus: okOf({ isPublic }, 'GetBucketPolicyStatus', 's3', ref('s3', 'GetBucketPolicyStatus', site)),
  };
}

export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;

export function keyMeta(over: Partial<KmsKeyMetadata> = {}): KmsKeyMetadata {
  return {
    keyId: KEY_ID,
    arn: KEY_ARN,
    keyAccountId: ACCOUNT,
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    origin: 'AWS_KMS',
    ...over,
  };
}

export const OWN_ACCOUNT_KEY_POLICY = policyText([
  {
    Sid: 'EnableIAM',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
    Action: 'kms:*',
    Resource: '*',
  },
]);

/**
 * A customer managed key referenced as `alias/data` by the given buckets, with overrides; its reads
 * are recorded in `over.accountId` / `over.region`.
 */
export function kmsKey(usedBy: string[], over: Partial<KmsKeySnapshot> = {}): KmsKeySnapshot {
  const site = { accountId: over.accountId ?? ACCOUNT, region: over.region ?? REGION };
  const kms = (op: string) => ref('kms', op, site);
  return {
    accountId: site.accountId,
    region: site.region,
    references: ['alias/data'],
    usedBy,
    metadata: okOf(keyMeta(), 'DescribeKey', 'kms', kms('DescribeKey')),
    policy: okOf({ text: OWN_ACCOUNT_KEY_POLICY }, 'GetKeyPolicy', 'kms', kms('GetKeyPolicy')),
    rotation: okOf(
      { enabled: true, rotationPeriodInDays: 365 },
      'GetKeyRotationStatus',
      'kms',
      kms('GetKeyRotationStatus'),
    ),
    rotations: okOf(
      [{ rotationDate: '2025-06-01T00:00:00.000Z', rotationType: 'AUTOMATIC' }],
      'ListKeyRotations',
      'kms',
      kms('ListKeyRotations'),
    ),
    aliases: ['alias/data'],
    ...over,
  };
}

/** SSE-KMS encryption naming `alias/data` (`null` key id: no KMSMasterKeyID, i.e. aws/s3). */
export function kmsEncryption(
  bucketKeyEnabled = true,
  keyIdOrNull: string | null = 'alias/data',
): Outcome<{ rules: { sseAlgorithm: string; kmsMasterKeyId?: string; bucketKeyEnabled: boolean }[] }> {
  const keyId = keyIdOrNull ?? undefined;
  return okOf(
    { rules: [{ sseAlgorithm: 'aws:kms', kmsMasterKeyId: keyId, bucketKeyEnabled }] },
    'GetBucketEncryption',
  );
}

/** A multi-region, logging trail recording all management events, with validation on. */
export function trail(over: Partial<TrailSnapshot> = {}): TrailSnapshot {
  return {
    name: 'org-trail',
    arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`,
    homeRegion: REGION,
    isMultiRegionTrail: true,
    isOrganizationTrail: false,
    logFileValidationEnabled: true,
    status: okOf({ isLogging: true }, 'GetTrailStatus', 'cloudtrail'),
    selectors: okOf(
      {
        eventSelectors: [
          {
            readWriteType: 'All',
            includeManagementEvents: true,
            excludeManagementEventSources: [],
            dataResources: [],
          },
        ],
      },
      'GetEventSelectors',
      'cloudtrail',
    ),
    ...over,
  };
}

/** AWS Config in a region with an active recorder and the three default rules (reads in `over`'s account and region). */
export function configRegion(over: Partial<ConfigRegionSnapshot> = {}): ConfigRegionSnapshot {
  const site = { accountId: over.accountId ?? ACCOUNT, region: over.region ?? REGION };
  const cfg = (op: string) => ref('config', op, site);
  const rule = (name: string, id: string) => ({
    name,
    owner: 'AWS',
    sourceIdentifier: id,
    scopeResourceTypes: ['AWS::S3::Bucket'],
  });
  return {
    accountId: site.accountId,
    region: site.region,
    recorders: okOf(
      [{ name: 'default', allSupported: true, includeGlobalResourceTypes: true, resourceTypes: [] }],
      'DescribeConfigurationRecorders',
      'config',
      cfg('DescribeConfigurationRecorders'),
    ),
    recorderStatus: okOf(
      [{ name: 'default', recording: true, lastStatus: 'SUCCESS' }],
      'DescribeConfigurationRecorderStatus',
      'config',
      cfg('DescribeConfigurationRecorderStatus'),
    ),
    rules: okOf(
      [
        rule('s3-sse', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'),
        rule('s3-read', 'S3_BUCKET_PUBLIC_READ_PROHIBITED'),
        rule('s3-write', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED'),
      ],
      'DescribeConfigRules',
      'config',
      cfg('DescribeConfigRules'),
    ),
    results: [],
    ...over,
  };
}

/**
 * An account with the given buckets, BPA on, one good trail, Config in the region; its reads are
 * recorded in `over.accountId` (default {@link ACCOUNT}).
 */
export function account(over: Partial<AccountSnapshot> = {}): AccountSnapshot {
  const id = over.accountId ?? ACCOUNT;
  const site = { accountId: id, region: REGION };
  return {
    accountId: id,
    name: 'prod',
    source: { kind: 'caller' },
    identity: okOf(
      { arn: `arn:aws:iam::${id}:role/audit`, userId: 'AROA' },
      'GetCallerIdentity',
      'sts',
      ref('sts', 'GetCallerIdentity', site),
    ),
    regions: [REGION],
    bucketListing: okOf({ count: 0 }, 'ListBuckets', 's3', ref('s3', 'ListBuckets', site)),
    buckets: [],
    accountPublicAccessBlock: okOf(
      { ...ALL_ON },
      'GetPublicAccessBlock',
      's3control',
      ref('s3control', 'GetPublicAccessBlock', site),
    ),
    kmsKeys: [],
    config: [configRegion({ accountId: id })],
    cloudTrail: {
      discovery: [
        {
          region: REGION,
          result: okOf(
            { trailArns: [trail().arn] },
            'DescribeTrails',
            'cloudtrail',
            ref('cloudtrail', 'DescribeTrails', site),
          ),
        },
      ],
      trails: [trail()],
      keyUsage: [],
    },
    ...over,
  };
}

export function snapshot(accounts: AccountSnapshot[]): Snapshot {
  return {
    schema: 'evidence-pack/snapshot@1',
    tool: { name: 'evidence-pack', version: '0.0.0-test' },
    // A run id in the form the tool writes (collection start, then 8 hex digits).
    runId: '20260301T100000Z-0123abcd',
    collection: { startedAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:05:00.000Z' },
    caller: { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:role/audit`, userId: 'AROA' },
    sandbox: false,
    accounts,
  };
}

/** A config with defaults applied and the given overrides (user-config shape). */
export function config(over: Record<string, unknown> = {}): Config {
  return configSchema.parse({ organization: 'Acme', ...over });
}

/** The management account of the test organization. */
export const MANAGEMENT_ACCOUNT = '999988887777';
export const ORG_ID = 'o-exampleorg1';
export const ROOT_ID = 'r-ab12';

/** The AWS-managed RCP Organizations attaches to every root, OU and account once RCPs are enabled. */
export const RCP_FULL_ACCESS = {
  id: 'p-RCPFullAWSAccess',
  name: 'RCPFullAWSAccess',
  content: policyText([{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }]),
};

/** What a test organization holds; ids default the way Organizations spells them. */
export interface OrgSpec {
  ous?: { id: string; name: string; parentId?: string }[];
  /** Member accounts (the management account is added); `parentId` defaults to the root. */
  accounts: { id: string; name: string; parentId?: string; state?: string }[];
  /** Custom policies and the targets (root, OU or account ids) they are attached to. */
  policies?: {
    id: string;
    name: string;
    type: OrganizationPolicyType;
    content: string;
    targets: string[];
  }[];
  /** Policy types enabled on the root (default: RCPs, SCPs and S3 policies). */
  enabled?: OrganizationPolicyType[];
  /** Targets whose ListPoliciesForTarget was refused. */
  deniedListings?: string[];
  /** DescribeOrganization refused. */
  descriptionDenied?: boolean;
}

/**
 * An organization as the collector reads it: DescribeOrganization, ListRoots, the OU tree, each
 * account's path (ListParents), ListPoliciesForTarget per enabled type for every target on an
 * account's path (RCPFullAWSAccess included, as AWS attaches it), DescribePolicy per attached
 * policy, and DescribeEffectivePolicy (S3_POLICY) for accounts under an S3 policy.
 */
export function organization(spec: OrgSpec): OrganizationSnapshot {
  const org = { service: 'organizations' };
  const enabled = spec.enabled ?? ['RESOURCE_CONTROL_POLICY', 'SERVICE_CONTROL_POLICY', 'S3_POLICY'];
  const ous = (spec.ous ?? []).map((o) => ({
    id: o.id,
    arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:ou/${ORG_ID}/${o.id}`,
    name: o.name,
    parentId: o.parentId ?? ROOT_ID,
  }));
  const members = [{ id: MANAGEMENT_ACCOUNT, name: 'management' }, ...spec.accounts];
  const pathOf = (parentId: string): OrganizationPathNode[] => {
    const path: OrganizationPathNode[] = [];
    let at: string | undefined = parentId;
    while (at !== undefined && at !== ROOT_ID) {
      const ou = ous.find((o) => o.id === at);
      if (!ou) break;
      path.unshift({ id: ou.id, type: 'ORGANIZATIONAL_UNIT', name: ou.name });
      at = ou.parentId;
    }
    path.unshift({ id: ROOT_ID, type: 'ROOT', name: 'Root' });
    return path;
  };
  const accounts: OrganizationAccount[] = members.map((a) => ({
    id: a.id,
    arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${ORG_ID}/${a.id}`,
    name: a.name,
    state: ('state' in a && a.state) || 'ACTIVE',
    path: okOf(pathOf(('parentId' in a && a.parentId) || ROOT_ID), 'ListParents', org.service),
    coverage:
      a.id === ACCOUNT
        ? { status: 'read', via: 'caller' }
        : { status: 'read', via: 'role', roleArn: `arn:aws:iam::${a.id}:role/audit` },
  }));
  const custom = spec.policies ?? [];
  const policyRecords: OrganizationPolicy[] = [];
  const describe = (
    p: { id: string; name: string; type: OrganizationPolicyType; content: string },
    awsManaged: boolean,
  ) => {
    if (policyRecords.some((r) => r.id === p.id)) return;
    policyRecords.push({
      id: p.id,
      arn: `arn:aws:organizations::${awsManaged ? 'aws' : MANAGEMENT_ACCOUNT}:policy/${awsManaged ? '' : `${ORG_ID}/`}${p.type.toLowerCase()}/${p.id}`,
      name: p.name,
      type: p.type,
      awsManaged,
      content: p.content,
      evidence: ref(org.service, 'DescribePolicy', { accountId: MANAGEMENT_ACCOUNT, region: REGION }),
    });
  };
  const targets = new Map<string, PolicyTargetListing['targetType']>();
  for (const a of accounts) {
    if (a.path.status === 'ok') for (const n of a.path.value) targets.set(n.id, n.type);
    targets.set(a.id, 'ACCOUNT');
  }
  const attachments: PolicyTargetListing[] = [];
  for (const [targetId, targetType] of targets) {
    for (const policyType of enabled) {
      const ids = custom
        .filter((p) => p.type === policyType && p.targets.includes(targetId))
        .map((p) => p.id);
      if (policyType === 'RESOURCE_CONTROL_POLICY') {
        ids.unshift(RCP_FULL_ACCESS.id);
        describe({ ...RCP_FULL_ACCESS, type: policyType }, true);
      }
      for (const p of custom.filter((c) => ids.includes(c.id))) describe(p, false);
      attachments.push({
        targetId,
        targetType,
        policyType,
        result: spec.deniedListings?.includes(targetId)
          ? deniedOf('ListPoliciesForTarget', org.service)
          : okOf({ policyIds: ids }, 'ListPoliciesForTarget', org.service),
      });
    }
  }
  const effectiveS3Policies = accounts.flatMap((a) => {
    const onPath = new Set([...(a.path.status === 'ok' ? a.path.value.map((n) => n.id) : []), a.id]);
    const s3 = custom.filter((p) => p.type === 'S3_POLICY' && p.targets.some((t) => onPath.has(t)));
    const last = s3[s3.length - 1];
    if (!last) return [];
    return [
      {
        accountId: a.id,
        result: okOf({ content: resolvedS3Policy(last.content) }, 'DescribeEffectivePolicy', org.service),
      },
    ];
  });
  return {
    description: spec.descriptionDenied
      ? deniedOf('DescribeOrganization', org.service)
      : okOf(
          {
            id: ORG_ID,
            arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${ORG_ID}`,
            managementAccountId: MANAGEMENT_ACCOUNT,
            featureSet: 'ALL',
          },
          'DescribeOrganization',
          org.service,
        ),
    readFromAccountId: MANAGEMENT_ACCOUNT,
    roleName: 'audit',
    accountListing: okOf({ count: accounts.length }, 'ListAccounts', org.service),
    accounts,
    roots: okOf(
      [
        {
          id: ROOT_ID,
          arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:root/${ORG_ID}/${ROOT_ID}`,
          name: 'Root',
          policyTypes: enabled.map((type) => ({ type, status: 'ENABLED' })),
        },
      ],
      'ListRoots',
      org.service,
    ),
    organizationalUnits: ous,
    policies: policyRecords,
    attachments,
    effectiveS3Policies,
  };
}

/** An S3 policy as DescribeEffectivePolicy returns it: values only, the `@@assign` operators resolved. */
function resolvedS3Policy(content: string): string {
  const doc = JSON.parse(content) as { s3_attributes?: Record<string, { '@@assign'?: unknown } | unknown> };
  const attrs = Object.fromEntries(
    Object.entries(doc.s3_attributes ?? {}).map(([k, v]) => [
      k,
      typeof v === 'object' && v !== null && '@@assign' in v ? (v as { '@@assign': unknown })['@@assign'] : v,
    ]),
  );
  return JSON.stringify({ s3_attributes: attrs });
}
