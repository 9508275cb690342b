/**
 * Shared contract of the sandbox: the in-memory state of every account and the shape of a service
 * handler. The HTTP server (server.ts) authenticates the caller from the SigV4 Authorization header
 * (access key → account), picks the protocol, and hands a parsed request to the service module.
 *
 * Service modules (one per AWS service) own their part of `AccountState` and never reach into the
 * HTTP layer. Cross-service reads (AWS Config evaluating S3 buckets, CloudTrail recording events
 * from KMS and S3) go through `AccountState` and `SandboxState.recordEvent`.
 */

import type { SandboxOrganization } from './organizations/model.ts';

/** Bucket-level Block Public Access or account-level, as stored. */
export interface PabState {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface GrantState {
  /** `CanonicalUser` | `Group` | `AmazonCustomerByEmail` */
  type: string;
  /** Canonical id, group URI or email. */
  id: string;
  permission: 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
}

export interface EncryptionRuleState {
  SSEAlgorithm: string;
  KMSMasterKeyID?: string | undefined;
  BucketKeyEnabled?: boolean | undefined;
  /** `BlockedEncryptionTypes.EncryptionType` (`SSE-C` | `NONE`); `undefined` = element not set. */
  BlockedEncryptionTypes?: string[] | undefined;
}

export interface ObjectState {
  key: string;
  body: Buffer;
  etag: string;
  versionId: string;
  lastModified: Date;
  contentType?: string | undefined;
  sse?: string | undefined;
  sseKmsKeyId?: string | undefined;
  /** SSE-C: the algorithm and the base64 MD5 of the customer key (the key itself is never kept). */
  sseCustomer?: { algorithm: string; keyMd5: string } | undefined;
  retainUntil?: Date | undefined;
  retentionMode?: string | undefined;
}

export interface BucketState {
  name: string;
  accountId: string;
  region: string;
  creationDate: Date;
  /** `undefined` = never configured (only for buckets created as "legacy" by a scenario). */
  encryption?: EncryptionRuleState[] | undefined;
  policy?: string | undefined;
  publicAccessBlock?: PabState | undefined;
  ownerId: string;
  acl: GrantState[];
  objectOwnership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter' | undefined;
  tags?: Record<string, string> | undefined;
  versioning?: 'Enabled' | 'Suspended' | undefined;
  objectLock?:
    | { enabled: boolean; mode?: string | undefined; days?: number | undefined; years?: number | undefined }
    | undefined;
  objects: Map<string, ObjectState[]>;
  /** PutBucketAbac; `undefined` = never set (GetBucketAbac answers `Disabled`). */
  abac?: 'Enabled' | 'Disabled' | undefined;
  /** S3 Inventory configurations by id (PutBucketInventoryConfiguration); `undefined` = none yet. */
  inventory?: Map<string, InventoryConfigState> | undefined;
}

/** One S3 Inventory configuration as stored (the PutBucketInventoryConfiguration body, validated). */
export interface InventoryConfigState {
  id: string;
  isEnabled: boolean;
  includedObjectVersions: 'All' | 'Current';
  frequency: 'Daily' | 'Weekly';
  optionalFields: string[];
  filterPrefix?: string | undefined;
  destination: {
    bucketArn: string;
    accountId?: string | undefined;
    format: 'CSV' | 'ORC' | 'Parquet';
    prefix?: string | undefined;
    /** `SSE-S3`, or `SSE-KMS` with its key id, for the delivered report files. */
    encryption?: { kind: 'SSE-S3' } | { kind: 'SSE-KMS'; keyId: string } | undefined;
  };
}

/** Service-specific state is attached by each service module under its own key. */
export interface AccountState {
  id: string;
  /** Canonical user id for ACLs. */
  canonicalId: string;
  /** Buckets are global by name across accounts, but owned by one account. */
  accountPublicAccessBlock?: PabState | undefined;
  /** Free-form per-service state, keyed by service name (`kms`, `config`, `cloudtrail`...). */
  services: Map<string, unknown>;
  /**
   * IAM role names that exist in the account, when known (accounts made by Organizations
   * CreateAccount start with `OrganizationAccountAccessRole`). `undefined`: roles are not modelled
   * and AssumeRole into any role name succeeds.
   */
  roles?: Set<string> | undefined;
}

/** A management event as CloudTrail would record it (used by LookupEvents). */
export interface SandboxEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: Date;
  awsRegion: string;
  accountId: string;
  /** Caller principal ARN and access key. */
  userArn: string;
  username: string;
  accessKeyId: string;
  readOnly: boolean;
  resources: { type: string; name: string }[];
  requestParameters?: unknown;
  /** The request id of the call (CloudTrail's `requestID`). */
  requestId?: string | undefined;
}

/** Who is calling, as authenticated from the request's SigV4 credentials. */
export interface Caller {
  accountId: string;
  arn: string;
  userId: string;
  accessKeyId: string;
  /** True when the credentials are temporary (AssumeRole / GetFederationToken). */
  temporary: boolean;
}

/** A parsed request handed to a JSON-protocol service (KMS, Config, CloudTrail: JSON 1.1). */
export interface JsonRequest {
  /** Operation from `X-Amz-Target`, e.g. `DescribeKey`. */
  operation: string;
  input: Record<string, unknown>;
  region: string;
  caller: Caller;
  account: AccountState;
  state: SandboxStateApi;
  requestId: string;
}

/** The error a handler throws to produce an AWS error response. */
export class SandboxError extends Error {
  constructor(
    /** AWS error code, e.g. `NotFoundException`. */
    readonly code: string,
    message: string,
    /** HTTP status; JSON services answer 400 for client errors. */
    readonly status = 400,
    readonly extraHeaders: Record<string, string> = {},
    /** Further members of the JSON error body (e.g. Organizations' `Reason`). */
    readonly jsonFields: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** A JSON 1.1 service: a map from operation name to handler returning the output object. */
export type JsonService = Record<string, (req: JsonRequest) => Promise<unknown> | unknown>;

/** What service modules may ask of the whole sandbox. */
export interface SandboxStateApi {
  /** The account, created on first use. */
  account(accountId: string): AccountState;
  /** All buckets (global namespace). */
  buckets: Map<string, BucketState>;
  /** Record a management event for CloudTrail's LookupEvents in the event's account and region. */
  recordEvent(event: Omit<SandboxEvent, 'eventId'>): void;
  /** Events recorded so far (all accounts). */
  events: SandboxEvent[];
  /** The sandbox's clock (can be shifted by scenarios to build history). */
  now(): Date;
  /**
   * Configuration history of every bucket, appended by the S3 service after each write (and on
   * create/delete), read by AWS Config's GetResourceConfigHistory. Key: bucket name.
   */
  bucketHistory: Map<string, BucketConfigurationItem[]>;
  /** The AWS Organization, once CreateOrganization has been called (written by Organizations). */
  organization: SandboxOrganization | undefined;
}

/** One AWS Config configuration item for a bucket, as captured after a change. */
export interface BucketConfigurationItem {
  accountId: string;
  region: string;
  bucket: string;
  captureTime: Date;
  /** `OK` or `ResourceDeleted`. */
  status: 'OK' | 'ResourceDeleted' | 'ResourceDiscovered';
  /** The bucket's configuration (JSON string, AWS Config style). */
  configuration: string;
  /** Supplementary configuration: encryption, policy, public access block, ... as JSON strings. */
  supplementaryConfiguration: Record<string, string>;
}
