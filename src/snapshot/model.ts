import type { EvidenceRef, Outcome } from './outcome.ts';
import type { OrganizationSnapshot } from './organization.ts';
import type { AggregatorSnapshot } from './aggregator.ts';

export type * from './organization.ts';
export type * from './aggregator.ts';

/**
 * The normalized, typed model of everything that was read in one run. Collectors produce it,
 * checks read it, the report renders it, and the pack stores it as `snapshot.json` so that a pack
 * can be rebuilt later without calling AWS. Every field that could not be read carries why
 * (an {@link Outcome} that is `denied` or `error`).
 *
 * Configuration-dependent judgements (classification, exceptions, criteria) are NOT stored here:
 * they are computed at evaluation time so a snapshot can be re-evaluated under a corrected config.
 */
export interface Snapshot {
  schema: 'evidence-pack/snapshot@1';
  tool: { name: 'evidence-pack'; version: string };
  runId: string;
  collection: { startedAt: string; finishedAt: string };
  /** Identity of the principal that ran the collection (first account's caller). */
  caller: { accountId: string; arn: string; userId: string };
  /** Endpoint override used, when not real AWS (e.g. the sandbox). */
  endpoint?: string | undefined;
  /** True when the data came from the bundled sandbox; labelled as such in the pack. */
  sandbox: boolean;
  accounts: AccountSnapshot[];
  /**
   * The AWS Organization the accounts were discovered from (config `organization.roleName`).
   * Absent when the accounts were configured by hand, and in snapshots made before it existed.
   */
  organization?: OrganizationSnapshot | undefined;
  /**
   * The AWS Config aggregator read for organization-wide compliance and the bucket inventory.
   * Absent when none was looked for, and in snapshots made before it existed.
   */
  aggregator?: AggregatorSnapshot | undefined;
}

/** How an account was reached. */
export type AccountSource =
  { kind: 'caller' } | { kind: 'role'; roleArn: string } | { kind: 'profile'; profile: string };

/** Everything read in one account. */
export interface AccountSnapshot {
  accountId: string;
  /** Friendly label from the config, or the account id. */
  name: string;
  source: AccountSource;
  /** The identity used inside this account (GetCallerIdentity). */
  identity: Outcome<{ arn: string; userId: string }>;
  /** Regions in scope for this account (configured or discovered from bucket regions). */
  regions: string[];
  /** The ListBuckets call(s). A gap here means the inventory itself is incomplete. */
  bucketListing: Outcome<{ count: number }>;
  buckets: BucketSnapshot[];
  /** S3 Control GetPublicAccessBlock for the account. */
  accountPublicAccessBlock: Outcome<PublicAccessBlock>;
  /**
   * KMS keys in scope, each described once: the keys in-scope buckets name, and every other
   * customer managed key ListKeys returned in the regions in scope (`usedBy` empty).
   */
  kmsKeys: KmsKeySnapshot[];
  /** ListKeys per region in scope; optional so snapshots written before it still load. */
  kmsKeyListing?: KmsKeyListing[] | undefined;
  /**
   * Buckets ListBuckets returned that are outside the regions in scope: listed, not assessed.
   * Optional so snapshots written before it still load.
   */
  outOfScopeBuckets?: OutOfScopeBucket[] | undefined;
  /** AWS Config state per region in scope. */
  config: ConfigRegionSnapshot[];
  cloudTrail: CloudTrailSnapshot;
  /**
   * AWS Config configuration history of each in-scope bucket over the audit period. Present only
   * when the config sets `period`; optional so snapshots written before it still load.
   */
  configHistory?: BucketConfigHistory[] | undefined;
  /**
   * AWS Config history over the audit period of the account's other period-judged resources: its
   * S3 Block Public Access, the KMS keys in scope, its trails. Present only when the config sets
   * `period`; optional so snapshots written before it still load.
   */
  resourceHistory?: ResourceConfigHistory[] | undefined;
  /**
   * CloudTrail write management events (LookupEvents `ReadOnly=false`) per region in scope, from the
   * period start to the collection: who made each change the history records. Present only when the
   * config sets `period`; optional so snapshots written before it still load.
   */
  managementEvents?: ManagementEventsRegion[] | undefined;
  /**
   * AWS Config's compliance history (`AWS::Config::ResourceCompliance` items) of each in-scope
   * bucket over the audit period. Present only when the config sets `period`; optional so snapshots
   * written before it still load.
   */
  complianceHistory?: ResourceComplianceHistory[] | undefined;
  /**
   * The latest S3 Inventory report of each configuration that includes `EncryptionStatus`, per
   * in-scope bucket. Present only with `collection.objectInventory`; optional so snapshots written
   * before it still load.
   */
  objectInventory?: BucketObjectInventory[] | undefined;
}

/** The write management events of one region (LookupEvents, every page). */
export interface ManagementEventsRegion {
  region: string;
  /** The window asked for, ISO-8601. */
  window: { start: string; end: string };
  /** Newest first, as CloudTrail returns them; a gap when any page could not be read. */
  events: Outcome<ManagementEvent[]>;
  /** Every LookupEvents call made, in order (the first is `events.evidence`). */
  pages?: EvidenceRef[] | undefined;
}

/** One CloudTrail management event, reduced to what names a change: what, when, who, which request. */
export interface ManagementEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** ISO-8601. */
  eventTime: string;
  /** `userIdentity.arn` of the CloudTrail record, when present. */
  userArn?: string | undefined;
  /** `requestID` of the CloudTrail record, when present. */
  requestId?: string | undefined;
  /** The resources the event names (`ResourceName` as LookupEvents gives it: bucket name, key ARN, ...). */
  resources: { type: string; name: string }[];
  /** The LookupEvents call whose page held the event. */
  evidence: EvidenceRef;
}

/** AWS Config's recorded history of one bucket around the audit period (GetResourceConfigHistory). */
export interface BucketConfigHistory {
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  /** The audit period asked for, ISO-8601. */
  period: { start: string; end: string };
  /**
   * Configuration items, oldest first: the latest item at or before the period start (when Config
   * has one), then every item captured inside the period. `absent` when Config has never
   * discovered the bucket (`ResourceNotDiscoveredException`); a gap when the history could not be read.
   */
  items: Outcome<ConfigHistoryItem[]>;
  /** Every GetResourceConfigHistory call whose items were used, in order (all pages). */
  pages?: EvidenceRef[] | undefined;
  /**
   * When Config has no item up to the period end: the first item after it (its
   * `resourceCreationTime` tells a bucket created after the period from one never recorded).
   */
  afterPeriod?: Outcome<ConfigHistoryItem[]> | undefined;
}

/** The resource types besides buckets whose AWS Config history the period judgement reads. */
export type PeriodResourceType =
  'AWS::S3::AccountPublicAccessBlock' | 'AWS::KMS::Key' | 'AWS::CloudTrail::Trail';

/** AWS Config's recorded history of one non-bucket resource around the audit period. */
export interface ResourceConfigHistory {
  resourceType: PeriodResourceType;
  /** Config's resource id the history was read under: the account id, the key id (or ARN), the trail name (or ARN). */
  resourceId: string;
  arn: string;
  /** How the report names it (alias, trail name, account name). */
  name: string;
  accountId: string;
  /** The region whose Config was asked. */
  region: string;
  period: { start: string; end: string };
  /** As {@link BucketConfigHistory.items}: the item in force at the start, then every in-period item. */
  items: Outcome<ConfigHistoryItem[]>;
  /** Every GetResourceConfigHistory call whose items were used, in order (all pages). */
  pages: EvidenceRef[];
  /** When Config has no item up to the period end: the first item after it. */
  afterPeriod?: Outcome<ConfigHistoryItem[]> | undefined;
}

/**
 * AWS Config's compliance history of one bucket around the audit period: GetResourceConfigHistory
 * with resourceType `AWS::Config::ResourceCompliance` and resourceId `AWS::S3::Bucket/<name>`.
 */
export interface ResourceComplianceHistory {
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  period: { start: string; end: string };
  /**
   * Items, oldest first: the latest at or before the period start (when Config has one), then every
   * item inside the period. `absent` when Config never recorded the bucket's compliance.
   */
  items: Outcome<ComplianceHistoryItem[]>;
  /** Every GetResourceConfigHistory call made for it, in order (all pages). */
  pages: EvidenceRef[];
}

/** One `AWS::Config::ResourceCompliance` configuration item: each rule's result at that time. */
export interface ComplianceHistoryItem {
  /** ISO-8601 capture time. */
  captureTime: string;
  /** Config item status (`OK`, `ResourceDiscovered`, `ResourceDeleted`, ...). */
  status: string;
  /** `configuration.complianceType`: the resource's result over every rule. */
  complianceType?: string | undefined;
  /** `configuration.configRuleList`: each rule's result. */
  rules: { configRuleName: string; configRuleArn?: string | undefined; complianceType: string }[];
  /** The GetResourceConfigHistory call whose page held the item. */
  evidence: EvidenceRef;
}

/** One AWS Config configuration item of a bucket, reduced to what the period judgement reads. */
export interface ConfigHistoryItem {
  /** ISO-8601 capture time. */
  captureTime: string;
  /** `OK`, `ResourceDiscovered`, `ResourceDeleted`, `ResourceNotRecorded`, `ResourceDeletedNotRecorded`. */
  status: string;
  configurationStateId?: string | undefined;
  /** ISO-8601 creation time of the bucket, when Config reports it. */
  resourceCreationTime?: string | undefined;
  /** `supplementaryConfiguration` verbatim: values are JSON text as the API returns them. */
  supplementaryConfiguration: Record<string, string>;
  /** `configuration` verbatim (JSON text); kept for non-bucket resource types only (incl. `AWS::Config::ResourceCompliance`). */
  configuration?: string | undefined;
  /** The GetResourceConfigHistory call whose page held the item. */
  evidence?: EvidenceRef | undefined;
}

/** The four Block Public Access flags, each as S3 reported it. */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

/** One default-encryption rule of a bucket. */
export interface EncryptionRule {
  /** `AES256`, `aws:kms`, `aws:kms:dsse`. */
  sseAlgorithm: string;
  /** As written in the bucket config: key id, key ARN, alias name or alias ARN; absent = aws/s3. */
  kmsMasterKeyId?: string | undefined;
  bucketKeyEnabled: boolean;
  /**
   * `BlockedEncryptionTypes.EncryptionType` as S3 reported it: `['SSE-C']` blocks uploads with
   * customer-provided keys, `['NONE']` allows them. `undefined` when the rule carries no
   * `BlockedEncryptionTypes` element (S3 then does not block SSE-C); optional so snapshots written
   * before it still load.
   */
  blockedEncryptionTypes?: BlockedEncryptionType[] | undefined;
}

/** The values S3 documents for `BlockedEncryptionTypes.EncryptionType`. */
export type BlockedEncryptionType = 'SSE-C' | 'NONE';

/** One ACL grant. */
export interface AclGrant {
  /** `CanonicalUser`, `Group`, `AmazonCustomerByEmail`. */
  granteeType: string;
  /** Canonical id, group URI or email. */
  grantee: string;
  permission: string;
}

/** Everything read about one bucket. */
export interface BucketSnapshot {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  /** ISO-8601 creation date from ListBuckets. */
  creationDate?: string | undefined;
  /** How the region was learned: `ListBuckets.BucketRegion` or `GetBucketLocation`. */
  regionSource: 'ListBuckets' | 'GetBucketLocation';
  encryption: Outcome<{ rules: EncryptionRule[] }>;
  /** The verbatim policy JSON string as returned by GetBucketPolicy. */
  policy: Outcome<{ text: string }>;
  /** GetBucketPolicyStatus; `absent` without a call when the policy is absent. */
  policyStatus: Outcome<{ isPublic: boolean }>;
  publicAccessBlock: Outcome<PublicAccessBlock>;
  /**
   * GetBucketAcl keyed on canonical ids: `ownerId` is the owner's canonical user id (S3 no longer
   * returns `DisplayName`, so nothing here or downstream relies on a display name).
   */
  acl: Outcome<{ ownerId: string; grants: AclGrant[] }>;
  ownershipControls: Outcome<{ objectOwnership: string }>;
  tags: Outcome<Record<string, string>>;
  versioning: Outcome<{ status?: string | undefined; mfaDelete?: string | undefined }>;
  /**
   * GetBucketAbac: with `Enabled`, the bucket's tags take part in authorization (attribute-based
   * access control). Optional so snapshots written before it still load.
   */
  abac?: Outcome<{ status: 'Enabled' | 'Disabled' }> | undefined;
  /**
   * ListBucketInventoryConfigurations (every page): the bucket's S3 Inventory configurations; an
   * empty list when it has none (S3 answers so, not with an error). Optional so snapshots written
   * before it still load.
   */
  inventoryConfigurations?: Outcome<InventoryConfiguration[]> | undefined;
}

// --- S3 Inventory (object-level encryption evidence) ---------------------------------------------

/** One S3 Inventory configuration of a bucket, as ListBucketInventoryConfigurations returned it. */
export interface InventoryConfiguration {
  id: string;
  enabled: boolean;
  /** `Current` or `All` (all versions). */
  includedObjectVersions: string;
  /** `Daily` or `Weekly`. */
  frequency: string;
  /** `OptionalFields` as listed, e.g. `EncryptionStatus`, `Size`. */
  optionalFields: string[];
  /** `Filter.Prefix`, when the inventory covers only part of the bucket. */
  filterPrefix?: string | undefined;
  destination: {
    /** ARN of the destination bucket (`arn:aws:s3:::name`). */
    bucketArn: string;
    /** Expected owner of the destination, when the configuration names one. */
    accountId?: string | undefined;
    /** `CSV`, `ORC` or `Parquet`. */
    format: string;
    prefix?: string | undefined;
  };
}

/** The encryption statuses S3 Inventory reports in its `EncryptionStatus` column. */
export type InventoryEncryptionStatus = 'SSE-S3' | 'SSE-KMS' | 'DSSE-KMS' | 'SSE-C' | 'NOT-SSE';

/**
 * The latest delivered report of one inventory configuration, read from its destination
 * (`collection.objectInventory`): the objects counted, never listed.
 */
export interface InventoryReportCounts {
  /** Key of the report's manifest.json in the destination bucket. */
  manifestKey: string;
  /** The manifest's `creationTimestamp`, ISO-8601. */
  createdAt: string;
  /** The manifest's `fileSchema`, column names in order. */
  fileSchema: string[];
  /** Data files read (all of them; each matched the manifest's MD5 checksum). */
  dataFiles: number;
  /** Rows counted (objects, or object versions for an `All` inventory; delete markers excluded). */
  objects: number;
  /** Rows by `EncryptionStatus`; statuses absent from the report count 0. */
  byEncryptionStatus: Record<InventoryEncryptionStatus, number>;
  /** Values of `EncryptionStatus` outside the documented ones, with their counts (normally empty). */
  otherStatuses: Record<string, number>;
  /**
   * Rows by `BucketKeyStatus` (`ENABLED` / `DISABLED`) when the report carries that column. S3
   * Inventory has no KMS key column: which key encrypts an object is not in the report.
   */
  byBucketKeyStatus?: Record<string, number> | undefined;
  /** The GetObject calls of the data files, in manifest order. */
  dataEvidence: EvidenceRef[];
}

/** The report reading of one configuration that includes `EncryptionStatus`. */
export interface InventoryReportReading {
  configurationId: string;
  /** Destination bucket name. */
  destinationBucket: string;
  /** Where the reports of this configuration are delivered: `<prefix>/<source>/<id>/`. */
  reportPrefix: string;
  /**
   * `ok` with the counts of the newest report; `absent` (`derived:NoInventoryReport`) when no
   * report has been delivered yet; a gap when a listing or a file could not be read or a data file
   * did not match the manifest's MD5 checksum (`ChecksumMismatch`).
   */
  report: Outcome<InventoryReportCounts>;
}

/** The inventory reports read for one bucket (`collection.objectInventory`). */
export interface BucketObjectInventory {
  bucketArn: string;
  bucket: string;
  accountId: string;
  region: string;
  reports: InventoryReportReading[];
}

/** ListKeys in one region: how many keys it returned, or why it could not be read. */
export interface KmsKeyListing {
  region: string;
  result: Outcome<{ count: number }>;
}

/** A bucket the account has outside the regions in scope. */
export interface OutOfScopeBucket {
  name: string;
  arn: string;
  accountId: string;
  region: string;
}

/** Identifies a KMS key as resolved: described once per (account, region, key). */
export interface KmsKeySnapshot {
  /** Account whose bucket referenced the key (where we asked). */
  accountId: string;
  region: string;
  /** Every reference that resolved to this key (`alias/x`, key id, ARN...). */
  references: string[];
  /** Bucket ARNs whose default encryption uses this key. */
  usedBy: string[];
  /**
   * DescribeKey. `absent` when KMS says the key does not exist and the reference can only name a
   * key of the bucket's own account and region; a gap for a key that cannot be described (e.g.
   * another account's key we may not see).
   */
  metadata: Outcome<KmsKeyMetadata>;
  /** GetKeyPolicy (PolicyName "default"), verbatim text. */
  policy: Outcome<{ text: string }>;
  /** GetKeyRotationStatus; `absent` with `UnsupportedOperationException` where AWS does not support it. */
  rotation: Outcome<KeyRotationStatus>;
  /**
   * ListKeyRotations (every page): completed rotations of the key material, as AWS lists them.
   * `absent` with `derived:UnsupportedOperationException` for keys that cannot rotate at all
   * (asymmetric, HMAC, custom key store), without a call.
   */
  rotations: Outcome<KeyRotation[]>;
  /** Alias names pointing at the key (ListAliases). */
  aliases: string[];
  /**
   * Set when the key belongs to another account that this run does not read: the key checks
   * cannot judge it (its policy and rotation are that account's), and whether the organization
   * controls it is said here. Keys of accounts the run reads are read there instead.
   */
  foreignAccount?: ForeignKeyAccount | undefined;
}

/** The account a key belongs to, when the run does not read it. */
export interface ForeignKeyAccount {
  accountId: string;
  /**
   * `member`: an account of the organization the run read, not read itself; `outside`: not in that
   * organization; `unknown`: no organization was read and the account is not among those in scope.
   */
  organization: 'member' | 'outside' | 'unknown';
  /** One sentence: why the account was not read. */
  detail: string;
}

/** GetKeyRotationStatus. */
export interface KeyRotationStatus {
  enabled: boolean;
  rotationPeriodInDays?: number | undefined;
  /** ISO-8601: the next automatic rotation (only while automatic rotation is enabled). */
  nextRotationDate?: string | undefined;
  /** ISO-8601: when an on-demand rotation still in progress was started. */
  onDemandRotationStartDate?: string | undefined;
}

/** One completed rotation of a key's material (ListKeyRotations). */
export interface KeyRotation {
  /** ISO-8601 time the rotation completed. */
  rotationDate: string;
  rotationType: 'AUTOMATIC' | 'ON_DEMAND';
  keyMaterialId?: string | undefined;
}

/** The DescribeKey fields the checks and report use. */
export interface KmsKeyMetadata {
  keyId: string;
  arn: string;
  /** Owner account of the key (from the ARN). */
  keyAccountId: string;
  keyManager: 'AWS' | 'CUSTOMER';
  keyState: string;
  keySpec: string;
  keyUsage: string;
  origin: string;
  customKeyStoreId?: string | undefined;
  description?: string | undefined;
  creationDate?: string | undefined;
  deletionDate?: string | undefined;
  multiRegion?: boolean | undefined;
}

/** AWS Config in one region. */
export interface ConfigRegionSnapshot {
  accountId: string;
  region: string;
  recorders: Outcome<ConfigRecorder[]>;
  recorderStatus: Outcome<ConfigRecorderStatus[]>;
  /**
   * ListConfigurationRecorders (every page): the customer's recorder and service-linked ones.
   * Absent in snapshots made before it was collected.
   */
  recorderSummaries?: Outcome<ConfigRecorderSummary[]> | undefined;
  rules: Outcome<ConfigRule[]>;
  /** Per-resource results for each rule whose identifier is relevant (S3 managed rules). */
  results: ConfigRuleResults[];
}

export interface ConfigRecorder {
  name: string;
  roleArn?: string | undefined;
  allSupported: boolean;
  includeGlobalResourceTypes: boolean;
  resourceTypes: string[];
  /** `ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES` or `EXCLUSION_BY_RESOURCE_TYPES`. */
  recordingStrategy?: string | undefined;
  /** Types excluded under `EXCLUSION_BY_RESOURCE_TYPES`. */
  exclusionResourceTypes?: string[] | undefined;
}

/** One entry of ListConfigurationRecorders. */
export interface ConfigRecorderSummary {
  name: string;
  arn: string;
  /** `PAID` for the customer's recorder; `INTERNAL` for a service-linked one that delivers nothing to the customer. */
  recordingScope: string;
  servicePrincipal?: string | undefined;
}

export interface ConfigRecorderStatus {
  name: string;
  recording: boolean;
  lastStatus?: string | undefined;
  lastStartTime?: string | undefined;
  /** `lastStopTime`: the last time the recorder was stopped (ISO-8601). */
  lastStopTime?: string | undefined;
  lastStatusChangeTime?: string | undefined;
}

export interface ConfigRule {
  name: string;
  arn?: string | undefined;
  /** `AWS` for managed rules, `CUSTOM_LAMBDA`, `CUSTOM_POLICY`. */
  owner: string;
  /** Managed rule identifier, e.g. `S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED`. */
  sourceIdentifier: string;
  state?: string | undefined;
  scopeResourceTypes: string[];
  inputParameters?: string | undefined;
}

export interface ConfigRuleResults {
  ruleName: string;
  sourceIdentifier: string;
  evaluations: Outcome<ConfigEvaluation[]>;
}

export interface ConfigEvaluation {
  resourceType: string;
  resourceId: string;
  /** COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA. */
  complianceType: string;
  resultRecordedTime?: string | undefined;
  configRuleInvokedTime?: string | undefined;
  annotation?: string | undefined;
}

/** CloudTrail in one account. */
export interface CloudTrailSnapshot {
  /** DescribeTrails per region (shadow copies included), so gaps in discovery are visible. */
  discovery: { region: string; result: Outcome<{ trailArns: string[] }> }[];
  /** Trails deduplicated by ARN, status and selectors asked in the home region. */
  trails: TrailSnapshot[];
  /** KMS key-usage management events (LookupEvents), per region. */
  keyUsage: KeyUsageRegion[];
}

/** The KMS events read in one region, and the window they cover. */
export interface KeyUsageRegion {
  region: string;
  events: Outcome<KeyUsageEvent[]>;
  /** The time window read (optional: snapshots made before it was recorded). */
  window?: { start: string; end: string } | undefined;
  /** The part of the audit period the event history cannot cover, and why. */
  uncovered?: { start: string; end: string; reason: string } | undefined;
  /** The configured cap, and whether it dropped events (later events were not read). */
  cap?: { limit: number; reached: boolean } | undefined;
}

export interface TrailSnapshot {
  name: string;
  arn: string;
  homeRegion: string;
  isMultiRegionTrail: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  s3BucketName?: string | undefined;
  kmsKeyId?: string | undefined;
  status: Outcome<{
    isLogging: boolean;
    latestDeliveryTime?: string | undefined;
    /** GetTrailStatus `StartLoggingTime`: the last time logging was started (ISO-8601). */
    startLoggingTime?: string | undefined;
    /** GetTrailStatus `StopLoggingTime`: the last time logging was stopped (ISO-8601). */
    stopLoggingTime?: string | undefined;
  }>;
  selectors: Outcome<TrailSelectors>;
}

/** Classic or advanced selectors, as returned by GetEventSelectors. */
export interface TrailSelectors {
  eventSelectors?: ClassicEventSelector[] | undefined;
  advancedEventSelectors?: AdvancedEventSelector[] | undefined;
}

export interface ClassicEventSelector {
  readWriteType: 'ReadOnly' | 'WriteOnly' | 'All';
  includeManagementEvents: boolean;
  excludeManagementEventSources: string[];
  dataResources: { type: string; values: string[] }[];
}

export interface AdvancedEventSelector {
  name?: string | undefined;
  fieldSelectors: AdvancedFieldSelector[];
}

export interface AdvancedFieldSelector {
  field: string;
  equals?: string[] | undefined;
  startsWith?: string[] | undefined;
  endsWith?: string[] | undefined;
  notEquals?: string[] | undefined;
  notStartsWith?: string[] | undefined;
  notEndsWith?: string[] | undefined;
}

/** One KMS management event from LookupEvents. */
export interface KeyUsageEvent {
  eventId: string;
  eventName: string;
  eventTime: string;
  username?: string | undefined;
  /** The principal ARN from the CloudTrail record, when present. */
  principalArn?: string | undefined;
  /** Key ARN(s) the event names. */
  keyArns: string[];
  sourceIpAddress?: string | undefined;
  readOnly?: boolean | undefined;
}
