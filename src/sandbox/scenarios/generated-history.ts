/**
 * A generated estate with a quarter of history, for the period benchmark: the generated buckets
 * ({@link generateScenario}) created before (a few during) the quarter, configured right after
 * creation, then changed a few times inside it — some buckets often enough that their AWS Config
 * history needs several GetResourceConfigHistory pages, some with a deviation opened and closed —
 * with the CloudTrail management event of every write and KMS key usage over the whole quarter.
 *
 * Ten thousand buckets × k writes through HTTP would take minutes, so the writes are applied
 * straight to the state, each through the same functions the S3 write path uses to record its
 * AWS Config item ({@link recordBucketChange}) and its CloudTrail event ({@link recordS3Event}):
 * a test replays one bucket's writes through the SDK and compares the two histories.
 */
import { seededRandom } from '../faults.ts';
import { cannedAcl } from '../s3/acl.ts';
import { newBucket } from '../s3/bucket-defaults.ts';
import { recordBucketChange, recordS3Event } from '../s3/history.ts';
import { recordCall } from '../services/cloudtrail/record-call.ts';
import {
  putConfigurationRecorder,
  putDeliveryChannel,
  startConfigurationRecorder,
} from '../services/config/handlers/recorders.ts';
import { keyArnOf } from '../services/kms/store.ts';
import type { SandboxState } from '../state.ts';
import type { BucketState, Caller, EncryptionRuleState, JsonRequest, PabState } from '../types.ts';
import type { DeclarativeBucket } from './declarative.ts';
import { loadDeclarative } from './declarative.ts';
import { generateScenario, type GenerateOptions } from './generated.ts';

const DAY_MS = 86_400_000;
/** Where AWS Config delivers: a bucket of a separate log-archive account. */
const DELIVERY_BUCKET = 'generated-config-delivery';
const LOG_ARCHIVE_ACCOUNT = '999988887777';
const HOUR_MS = 3_600_000;

/** The quarter's length: CloudTrail's event history keeps 90 days, so the whole quarter is readable. */
export const QUARTER_DAYS = 89;

/** The audit period a generated quarter ending at `end` covers. */
export function quarterPeriod(end: Date): { start: string; end: string } {
  return { start: new Date(end.getTime() - QUARTER_DAYS * DAY_MS).toISOString(), end: end.toISOString() };
}

/** One S3 control-plane write, as the SDK would send it. */
export type BucketWrite =
  | { operation: 'CreateBucket' }
  | { operation: 'PutBucketEncryption'; rules: EncryptionRuleState[] }
  | { operation: 'PutBucketPolicy'; policy: string }
  | { operation: 'DeleteBucketPolicy' }
  | { operation: 'PutPublicAccessBlock'; configuration: PabState }
  | { operation: 'DeletePublicAccessBlock' }
  | { operation: 'PutBucketOwnershipControls'; ownership: NonNullable<BucketState['objectOwnership']> }
  | { operation: 'PutBucketAcl'; canned: 'private' | 'public-read' }
  | { operation: 'PutBucketTagging'; tags: Record<string, string> }
  | { operation: 'PutBucketVersioning'; status: 'Enabled' | 'Suspended' };

/** A write and when it was made. */
export interface TimedWrite {
  at: Date;
  write: BucketWrite;
}

/** Everything that happened to one bucket, oldest first. */
export interface BucketPlan {
  name: string;
  region: string;
  accountId: string;
  writes: TimedWrite[];
}

/** Parameters of a generated quarter. */
export interface QuarterOptions extends Omit<GenerateOptions, 'accountId'> {
  /** The end of the audit period; the quarter is the {@link QUARTER_DAYS} days before it. */
  periodEnd: Date;
}

/** Who makes the estate's changes (an automation role), as CloudTrail's userIdentity shows it. */
export function quarterCaller(accountId: string): Caller {
  return {
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/platform-deploy/terraform`,
    userId: 'AROAGENERATEDDEPLOY01:terraform',
    accessKeyId: 'ASIAGENERATEDDEPLOY1',
    temporary: true,
  };
}

/** The application role whose data-key requests are the key usage. */
function appCaller(accountId: string): Caller {
  return {
    accountId,
    arn: `arn:aws:sts::${accountId}:assumed-role/app-data-writer/worker`,
    userId: 'AROAGENERATEDAPPROLE1:worker',
    accessKeyId: 'ASIAGENERATEDAPPROLE',
    temporary: true,
  };
}

const ALL_BLOCKED: PabState = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** A rule as PutBucketEncryption stores it (its members in the handler's order). */
function storedRule(r: EncryptionRuleState): EncryptionRuleState {
  return {
    SSEAlgorithm: r.SSEAlgorithm,
    KMSMasterKeyID: r.KMSMasterKeyID || undefined,
    BucketKeyEnabled: r.BucketKeyEnabled === true,
    BlockedEncryptionTypes: r.BlockedEncryptionTypes,
  };
}

/** The writes that configure a new bucket as the generated spec declares it. */
function configureWrites(spec: DeclarativeBucket): BucketWrite[] {
  const writes: BucketWrite[] = [{ operation: 'CreateBucket' }];
  // A bucket "without default encryption" cannot be made through the API any more (S3 falls back
  // to SSE-S3); such buckets keep the default here.
  if (spec.encryption) writes.push({ operation: 'PutBucketEncryption', rules: spec.encryption });
  if (spec.publicAccessBlock === null) writes.push({ operation: 'DeletePublicAccessBlock' });
  else if (spec.publicAccessBlock)
    writes.push({ operation: 'PutPublicAccessBlock', configuration: spec.publicAccessBlock });
  if (spec.objectOwnership)
    writes.push({ operation: 'PutBucketOwnershipControls', ownership: spec.objectOwnership });
  if (spec.acl === 'public-read') writes.push({ operation: 'PutBucketAcl', canned: 'public-read' });
  if (spec.policy)
    writes.push({
      operation: 'PutBucketPolicy',
      policy: typeof spec.policy === 'string' ? spec.policy : JSON.stringify(spec.policy),
    });
  if (spec.tags) writes.push({ operation: 'PutBucketTagging', tags: spec.tags });
  if (spec.versioning) writes.push({ operation: 'PutBucketVersioning', status: spec.versioning });
  return writes;
}

/** Uniform time in [from, to). */
function between(random: () => number, from: number, to: number): number {
  return from + Math.floor(random() * Math.max(0, to - from));
}

/**
 * One bucket's quarter: created (5% during the quarter), configured within minutes, then 0–5
 * ordinary changes in the quarter (tag reviews, versioning, the policy put again); 0.5% of buckets
 * are rewritten by automation 150–300 times (several history pages); 3% lose Block Public Access
 * for 1–10 days and 2% of the customer-managed-key buckets fall back to SSE-S3 for a few days.
 */
function planBucket(
  random: () => number,
  spec: DeclarativeBucket,
  accountId: string,
  period: { start: number; end: number },
): BucketPlan {
  const recorderStart = period.start - 60 * DAY_MS;
  const createdInQuarter = random() < 0.05;
  const created = createdInQuarter
    ? between(random, period.start + 2 * DAY_MS, period.end - 10 * DAY_MS)
    : between(random, recorderStart + DAY_MS, period.start - 2 * DAY_MS);
  const writes: TimedWrite[] = configureWrites(spec).map((write, i) => ({
    at: new Date(created + i * 60_000),
    write,
  }));
  const from = Math.max(period.start, created + HOUR_MS) + HOUR_MS;
  const to = period.end - HOUR_MS;
  let tags = { ...(spec.tags ?? {}) };
  let versioning = spec.versioning;
  const changes: TimedWrite[] = [];
  const roll = random();
  if (roll >= 0.995) {
    const n = 150 + Math.floor(random() * 151);
    const step = Math.floor((to - from) / n);
    for (let i = 0; i < n; i++) {
      tags = { ...tags, 'last-deploy': `build-${i + 1}` };
      changes.push({ at: new Date(from + i * step), write: { operation: 'PutBucketTagging', tags } });
    }
  } else {
    const n = roll < 0.35 ? 0 : roll < 0.65 ? 1 : roll < 0.85 ? 2 : 3 + Math.floor(random() * 3);
    const times = Array.from({ length: n }, () => between(random, from, to)).sort((a, b) => a - b);
    for (const at of times) {
      const kind = random();
      let write: BucketWrite;
      if (kind < 0.5 || (kind < 0.8 && !spec.policy)) {
        tags = { ...tags, reviewed: new Date(at).toISOString().slice(0, 10) };
        write = { operation: 'PutBucketTagging', tags };
      } else if (kind < 0.8 && spec.policy) {
        write = {
          operation: 'PutBucketPolicy',
          policy: typeof spec.policy === 'string' ? spec.policy : JSON.stringify(spec.policy),
        };
      } else {
        versioning = versioning === 'Enabled' ? 'Suspended' : 'Enabled';
        write = { operation: 'PutBucketVersioning', status: versioning };
      }
      changes.push({ at: new Date(at), write });
    }
  }
  const deviation = random();
  const opened = between(random, from, to - 12 * DAY_MS);
  const closed = opened + DAY_MS + Math.floor(random() * 9 * DAY_MS);
  if (deviation < 0.03 && spec.publicAccessBlock === undefined && opened > from) {
    changes.push({ at: new Date(opened), write: { operation: 'DeletePublicAccessBlock' } });
    changes.push({
      at: new Date(closed),
      write: { operation: 'PutPublicAccessBlock', configuration: ALL_BLOCKED },
    });
  } else if (deviation > 0.98 && spec.encryption?.[0]?.KMSMasterKeyID && opened > from) {
    changes.push({
      at: new Date(opened),
      write: {
        operation: 'PutBucketEncryption',
        rules: [{ SSEAlgorithm: 'AES256', BucketKeyEnabled: false }],
      },
    });
    changes.push({
      at: new Date(closed),
      write: { operation: 'PutBucketEncryption', rules: spec.encryption },
    });
  }
  changes.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { name: spec.name, region: spec.region ?? 'us-east-1', accountId, writes: [...writes, ...changes] };
}

/** The plans of every bucket of a generated quarter (reproducible: same options, same plans). */
export function planQuarter(options: QuarterOptions & { accountId: string }): BucketPlan[] {
  const spec = generateScenario(options);
  const random = seededRandom((options.seed ?? 42) + 1);
  const end = options.periodEnd.getTime();
  const period = { start: end - QUARTER_DAYS * DAY_MS, end };
  return (spec.buckets ?? []).map((b) => planBucket(random, b, options.accountId, period));
}

/**
 * Apply one write to the state as the S3 handler does, then record its AWS Config item and its
 * CloudTrail event as the write path does. The state's clock must be at the write's time.
 */
export function applyBucketWrite(
  state: SandboxState,
  plan: BucketPlan,
  write: BucketWrite,
  caller: Caller,
): void {
  let bucket = state.buckets.get(plan.name);
  if (write.operation === 'CreateBucket') {
    const account = state.account(plan.accountId);
    bucket = newBucket({
      name: plan.name,
      accountId: account.id,
      canonicalId: account.canonicalId,
      region: plan.region,
      creationDate: state.now(),
    });
    state.buckets.set(bucket.name, bucket);
    recordBucketChange(state, bucket, 'ResourceDiscovered');
  } else {
    if (!bucket) throw new Error(`generated quarter: ${write.operation} before CreateBucket on ${plan.name}`);
    switch (write.operation) {
      case 'PutBucketEncryption':
        bucket.encryption = write.rules.map(storedRule);
        break;
      case 'PutBucketPolicy':
        bucket.policy = write.policy;
        break;
      case 'DeleteBucketPolicy':
        bucket.policy = undefined;
        break;
      case 'PutPublicAccessBlock':
        bucket.publicAccessBlock = {
          BlockPublicAcls: write.configuration.BlockPublicAcls,
          IgnorePublicAcls: write.configuration.IgnorePublicAcls,
          BlockPublicPolicy: write.configuration.BlockPublicPolicy,
          RestrictPublicBuckets: write.configuration.RestrictPublicBuckets,
        };
        break;
      case 'DeletePublicAccessBlock':
        bucket.publicAccessBlock = undefined;
        break;
      case 'PutBucketOwnershipControls':
        bucket.objectOwnership = write.ownership;
        break;
      case 'PutBucketAcl':
        bucket.acl = cannedAcl(write.canned, bucket.ownerId);
        break;
      case 'PutBucketTagging':
        bucket.tags = Object.keys(write.tags).length > 0 ? { ...write.tags } : undefined;
        break;
      case 'PutBucketVersioning':
        bucket.versioning = write.status;
        break;
    }
    recordBucketChange(state, bucket, 'OK');
  }
  recordS3Event(state, {
    operation: write.operation,
    caller,
    region: plan.region,
    bucket: plan.name,
    readOnly: false,
    requestId: requestIdOf(plan.name, state.now()),
  });
}

/** A request id in the sandbox's format (16 upper-case hex digits), stable per bucket and time. */
function requestIdOf(bucket: string, at: Date): string {
  let h = 0x811c9dc5;
  for (const c of `${bucket}@${at.getTime()}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return `${(h >>> 0).toString(16).padStart(8, '0')}${(at.getTime() >>> 0).toString(16).padStart(8, '0')}`.toUpperCase();
}

/**
 * Build the quarter in a sandbox state: the generated KMS keys, an AWS Config recorder (with its
 * delivery channel) recording in every region since 60 days before the quarter, every bucket's writes, and KMS data-key
 * requests on each key every ~4 hours from the quarter's start to now. Leaves the clock on real time.
 */
export function loadGeneratedQuarter(state: SandboxState, options: QuarterOptions): void {
  const accountId = state.defaultAccountId;
  const end = options.periodEnd.getTime();
  const start = end - QUARTER_DAYS * DAY_MS;
  const recorderStart = new Date(start - 60 * DAY_MS);
  const spec = generateScenario(options);
  const regions = [...new Set((spec.kmsKeys ?? []).map((k) => k.region))];
  try {
    state.setNow(new Date(recorderStart.getTime() - DAY_MS));
    loadDeclarative(state, { kmsKeys: spec.kmsKeys ?? [] });
    // Config delivers to a bucket of a log-archive account (so it is not one of the estate's).
    const archive = state.account(LOG_ARCHIVE_ACCOUNT);
    state.buckets.set(
      DELIVERY_BUCKET,
      newBucket({
        name: DELIVERY_BUCKET,
        accountId: archive.id,
        canonicalId: archive.canonicalId,
        region: 'us-east-1',
        creationDate: state.now(),
      }),
    );
    const account = state.account(accountId);
    // The recorder and its delivery channel through Config's own handlers, as of recorderStart.
    state.setNow(recorderStart);
    for (const region of regions) {
      const req = (input: Record<string, unknown>): JsonRequest => ({
        operation: 'PutConfigurationRecorder',
        input,
        region,
        caller: quarterCaller(accountId),
        account,
        state,
        requestId: requestIdOf(`config-${region}`, recorderStart),
      });
      putConfigurationRecorder(
        req({
          ConfigurationRecorder: {
            name: 'default',
            roleARN: `arn:aws:iam::${accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
            recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
          },
        }),
      );
      putDeliveryChannel(req({ DeliveryChannel: { name: 'default', s3BucketName: DELIVERY_BUCKET } }));
      startConfigurationRecorder(req({ ConfigurationRecorderName: 'default' }));
    }
    const caller = quarterCaller(accountId);
    for (const plan of planQuarter({ ...options, accountId })) {
      for (const w of plan.writes) {
        state.setNow(w.at);
        applyBucketWrite(state, plan, w.write, caller);
      }
    }
    recordKeyUsage(state, spec.kmsKeys ?? [], accountId, start, options.seed ?? 42);
  } finally {
    state.useRealTime();
  }
}

/** GenerateDataKey / Decrypt on every key every ~4 hours, as KMS records them. */
function recordKeyUsage(
  state: SandboxState,
  keys: { keyId: string; region: string }[],
  accountId: string,
  from: number,
  seed: number,
): void {
  const random = seededRandom(seed + 2);
  const caller = appCaller(accountId);
  const account = state.account(accountId);
  const now = Date.now();
  for (const key of keys) {
    const arn = keyArnOf(accountId, key.region, key.keyId);
    for (
      let t = from + Math.floor(random() * 4 * HOUR_MS);
      t < now - HOUR_MS;
      t += 3 * HOUR_MS + Math.floor(random() * 2 * HOUR_MS)
    ) {
      state.setNow(new Date(t));
      const operation = random() < 0.6 ? 'GenerateDataKey' : 'Decrypt';
      recordCall(
        {
          operation,
          input: operation === 'GenerateDataKey' ? { KeyId: arn, KeySpec: 'AES_256' } : { KeyId: arn },
          region: key.region,
          caller,
          account,
          state,
          requestId: requestIdOf(key.keyId, new Date(t)),
        },
        {
          eventSource: 'kms.amazonaws.com',
          readOnly: true,
          resources: [{ type: 'AWS::KMS::Key', name: arn }],
        },
      );
    }
  }
}
