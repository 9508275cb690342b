import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  type AliasListEntry,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { call, callPages, derivedAbsent } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { Ok, Outcome } from '../snapshot/outcome.ts';
import type {
  BucketSnapshot,
  KeyRotation,
  KmsKeyListing,
  KmsKeyMetadata,
  KmsKeySnapshot,
} from '../snapshot/model.ts';
import {
  iso,
  oneOf,
  policyText,
  required,
  requiredBoolean,
  requiredIso,
  requiredList,
  uniqueSorted,
} from './parse.ts';

/** The AWS managed key S3 uses for `aws:kms` without a key id. */
export const AWS_MANAGED_S3_KEY = 'alias/aws/s3';

/** One distinct key reference found in bucket encryption configs, with the buckets using it. */
export interface KeyReference {
  region: string;
  reference: string;
  usedBy: string[];
}

/**
 * The distinct (region, key reference) pairs behind the buckets' default encryption.
 * `aws:kms` / `aws:kms:dsse` without a key id means the AWS managed key `alias/aws/s3`.
 */
export function keyReferences(buckets: BucketSnapshot[]): KeyReference[] {
  const byRef = new Map<string, KeyReference>();
  for (const b of buckets) {
    if (b.encryption.status !== 'ok') continue;
    for (const rule of b.encryption.value.rules) {
      if (!rule.sseAlgorithm.startsWith('aws:kms')) continue;
      const reference = rule.kmsMasterKeyId ?? AWS_MANAGED_S3_KEY;
      const k = `${b.region}\u0000${reference}`;
      const entry = byRef.get(k) ?? { region: b.region, reference, usedBy: [] };
      if (!entry.usedBy.includes(b.arn)) entry.usedBy.push(b.arn);
      byRef.set(k, entry);
    }
  }
  return [...byRef.values()].sort((a, b) =>
    a.region === b.region ? cmp(a.reference, b.reference) : cmp(a.region, b.region),
  );
}

/** The account's KMS keys: every key in scope and the ListKeys reads that found them. */
export interface KmsCollection {
  keys: KmsKeySnapshot[];
  /** ListKeys per region in scope; a gap means keys no bucket names may be missing there. */
  listings: KmsKeyListing[];
}

/**
 * KMS keys of the account in the regions in scope: the keys behind the buckets (DescribeKey once
 * per distinct reference, deduplicated by key ARN) and every other customer managed key ListKeys
 * returns (DescribeKey once each; AWS managed keys no bucket uses are left out); then GetKeyPolicy
 * and GetKeyRotationStatus once per key, and ListAliases once per region. A reference that cannot
 * be described (e.g. a cross-account key) is kept as its own entry whose metadata, policy and
 * rotation all carry the DescribeKey gap; so is a listed key that cannot be described.
 */
export async function collectKmsKeys(
  factory: ClientFactory,
  accountId: string,
  buckets: BucketSnapshot[],
  regions: readonly string[] = [],
): Promise<KmsCollection> {
  const refs = keyReferences(buckets);
  const describe = (region: string, keyId: string) =>
    call(factory, 'kms', region, new DescribeKeyCommand({ KeyId: keyId }), (o) =>
      toMetadata(required(o.KeyMetadata, 'KeyMetadata')),
    );
  const [described, listed] = await Promise.all([
    Promise.all(refs.map(async (ref) => ({ ref, metadata: await describe(ref.region, ref.reference) }))),
    Promise.all(regions.map(async (region) => ({ region, keys: await listKeys(factory, region) }))),
  ]);

  const byArn = new Map<
    string,
    { region: string; references: string[]; usedBy: string[]; metadata: Ok<KmsKeyMetadata> }
  >();
  const undescribed: KmsKeySnapshot[] = [];
  for (const { ref, metadata } of described) {
    if (metadata.status !== 'ok') {
      const missing = keyDoesNotExist(metadata, ref, accountId);
      // A key that does not exist is evidence; any other failure is a gap for every fact of the key.
      const outcome: Outcome<never> = missing
        ? { status: 'absent', errorCode: metadata.errorCode, evidence: metadata.evidence }
        : metadata;
      const derived: Outcome<never> = missing
        ? derivedAbsent(metadata.errorCode, metadata.evidence)
        : metadata;
      undescribed.push({
        accountId,
        region: ref.region,
        references: [ref.reference],
        usedBy: [...ref.usedBy].sort(),
        metadata: outcome,
        policy: derived,
        rotation: derived,
        rotations: derived,
        aliases: [],
      });
      continue;
    }
    const key = `${ref.region}\u0000${metadata.value.arn}`;
    const entry = byArn.get(key) ?? { region: ref.region, references: [], usedBy: [], metadata };
    entry.references.push(ref.reference);
    entry.usedBy.push(...ref.usedBy);
    byArn.set(key, entry);
  }

  // Keys no bucket names: described by ARN, kept when customer managed (or when they cannot be described).
  const named = new Set([
    ...byArn.keys(),
    ...undescribed.flatMap((k) => k.references.map((r) => `${k.region}\u0000${r}`)),
  ]);
  const unnamed = listed.flatMap(({ region, keys }) =>
    keys.status === 'ok'
      ? keys.value.filter((k) => !named.has(`${region}\u0000${k.arn}`)).map((k) => ({ region, ...k }))
      : [],
  );
  const unnamedDescribed = await Promise.all(
    unnamed.map(async (k) => ({ ...k, metadata: await describe(k.region, k.arn) })),
  );
  for (const k of unnamedDescribed) {
    if (k.metadata.status !== 'ok') {
      const gap: Outcome<never> = k.metadata;
      undescribed.push({
        accountId,
        region: k.region,
        references: [k.arn],
        usedBy: [],
        metadata: gap,
        policy: gap,
        rotation: gap,
        rotations: gap,
        aliases: [],
      });
      continue;
    }
    if (k.metadata.value.keyManager !== 'CUSTOMER') continue;
    byArn.set(`${k.region}\u0000${k.metadata.value.arn}`, {
      region: k.region,
      references: [],
      usedBy: [],
      metadata: k.metadata,
    });
  }

  const aliasRegions = uniqueSorted([...byArn.values()].map((e) => e.region));
  const aliasesByRegion = new Map(
    await Promise.all(
      aliasRegions.map(async (region) => [region, await listAliases(factory, region)] as const),
    ),
  );

  const keys = await Promise.all(
    [...byArn.values()].map((e) => completeKey(factory, accountId, e, aliasesByRegion.get(e.region) ?? [])),
  );
  const all = [...keys, ...undescribed].sort((a, b) =>
    a.region === b.region ? cmp(keySortName(a), keySortName(b)) : cmp(a.region, b.region),
  );
  return {
    keys: all,
    listings: listed.map(({ region, keys: res }) => ({
      region,
      result: res.status === 'ok' ? { ...res, value: { count: res.value.length } } : res,
    })),
  };
}

/** A described key before its policy, rotation and aliases are read. */
interface DescribedKey {
  region: string;
  references: string[];
  usedBy: string[];
  metadata: Ok<KmsKeyMetadata>;
}

/** GetKeyPolicy, GetKeyRotationStatus and ListKeyRotations of a described key, and its alias names. */
async function completeKey(
  factory: ClientFactory,
  accountId: string,
  e: DescribedKey,
  regionAliases: readonly AliasListEntry[],
): Promise<KmsKeySnapshot> {
  const meta = e.metadata.value;
  const [policy, rotation, rotations] = await Promise.all([
    call(
      factory,
      'kms',
      e.region,
      new GetKeyPolicyCommand({ KeyId: meta.arn, PolicyName: 'default' }),
      (o) => ({ text: policyText(o.Policy, 'Policy') }),
    ),
    rotationSupported(meta)
      ? call(factory, 'kms', e.region, new GetKeyRotationStatusCommand({ KeyId: meta.arn }), (o) => ({
          enabled: requiredBoolean(o.KeyRotationEnabled, 'KeyRotationEnabled'),
          // AWS sends the period and next date whenever automatic rotation is on.
          rotationPeriodInDays: o.KeyRotationEnabled
            ? required(o.RotationPeriodInDays, 'RotationPeriodInDays')
            : o.RotationPeriodInDays,
          nextRotationDate: iso(o.NextRotationDate),
          onDemandRotationStartDate: iso(o.OnDemandRotationStartDate),
        }))
      : Promise.resolve(derivedAbsent('UnsupportedOperationException', e.metadata.evidence)),
    rotationHistorySupported(meta)
      ? listKeyRotations(factory, e.region, meta.arn)
      : Promise.resolve(derivedAbsent('UnsupportedOperationException', e.metadata.evidence)),
  ]);
  const aliases = regionAliases
    .filter((a) => a.TargetKeyId === meta.keyId && a.AliasName)
    .map((a) => a.AliasName ?? '');
  return {
    accountId,
    region: e.region,
    references: uniqueSorted(e.references),
    usedBy: uniqueSorted(e.usedBy),
    metadata: e.metadata,
    policy,
    rotation,
    rotations,
    aliases: uniqueSorted(aliases),
  };
}

/**
 * A key read in its own account (a bucket of another account in scope names it): DescribeKey with
 * that account's clients, then policy, rotation and aliases as for the account's own keys. `ok`
 * with the snapshot, or the DescribeKey gap.
 */
export async function readKeyInOwnAccount(
  factory: ClientFactory,
  accountId: string,
  region: string,
  keyArn: string,
  references: string[],
  usedBy: string[],
): Promise<{ key: KmsKeySnapshot } | { gap: Outcome<never> }> {
  const metadata = await call(factory, 'kms', region, new DescribeKeyCommand({ KeyId: keyArn }), (o) =>
    toMetadata(required(o.KeyMetadata, 'KeyMetadata')),
  );
  if (metadata.status !== 'ok') {
    const gap: Outcome<never> =
      metadata.status === 'absent'
        ? { status: 'absent', errorCode: metadata.errorCode, evidence: metadata.evidence }
        : metadata;
    return { gap };
  }
  const aliases = await listAliases(factory, region);
  return { key: await completeKey(factory, accountId, { region, references, usedBy, metadata }, aliases) };
}

/** ListKeys in one region, every page of up to 1000. */
function listKeys(
  factory: ClientFactory,
  region: string,
): Promise<Outcome<{ keyId: string; arn: string }[]>> {
  return callPages(
    factory,
    'kms',
    region,
    (marker) => new ListKeysCommand({ Limit: 1000, ...(marker ? { Marker: marker } : {}) }),
    (o) => ({
      items: requiredList(o.Keys, 'Keys').map((k) => ({
        keyId: required(k.KeyId, 'KeyListEntry.KeyId'),
        arn: required(k.KeyArn, 'KeyListEntry.KeyArn'),
      })),
      next: o.Truncated ? required(o.NextMarker, 'NextMarker') : undefined,
    }),
  );
}

/**
 * Whether a failed DescribeKey proves the bucket's key does not exist: `NotFoundException` for a
 * reference that can only resolve in the bucket's own account and region — a key id, an alias
 * name, or a key/alias ARN naming that account and region. For a key of another account (or
 * region) KMS answers NotFound also when we merely cannot see it, so that stays a gap.
 */
export function keyDoesNotExist(
  outcome: Outcome<unknown>,
  ref: Pick<KeyReference, 'region' | 'reference'>,
  accountId: string,
): boolean {
  if (outcome.status !== 'error' || outcome.errorCode !== 'NotFoundException') return false;
  if (!ref.reference.startsWith('arn:')) return true;
  const [, , service, region, account] = ref.reference.split(':');
  return service === 'kms' && region === ref.region && account === accountId;
}

/**
 * Whether AWS supports automatic rotation for the key: only symmetric encryption keys with
 * key material generated by KMS outside custom key stores. Otherwise DescribeKey already settles it.
 */
export function rotationSupported(meta: KmsKeyMetadata): boolean {
  return meta.keySpec === 'SYMMETRIC_DEFAULT' && meta.origin === 'AWS_KMS' && !meta.customKeyStoreId;
}

/**
 * Whether the key has a rotation history to list: symmetric encryption keys outside custom key
 * stores, including keys with imported material (which rotate on demand only).
 */
export function rotationHistorySupported(meta: KmsKeyMetadata): boolean {
  return (
    meta.keySpec === 'SYMMETRIC_DEFAULT' &&
    (meta.origin === 'AWS_KMS' || meta.origin === 'EXTERNAL') &&
    !meta.customKeyStoreId
  );
}

/** ListKeyRotations for one key, every page of up to 1000. */
function listKeyRotations(
  factory: ClientFactory,
  region: string,
  keyArn: string,
): Promise<Outcome<KeyRotation[]>> {
  return callPages(
    factory,
    'kms',
    region,
    (marker) =>
      new ListKeyRotationsCommand({ KeyId: keyArn, Limit: 1000, ...(marker ? { Marker: marker } : {}) }),
    (o) => ({
      items: requiredList(o.Rotations, 'Rotations').map((r): KeyRotation => ({
        // Completed rotations (the default ROTATIONS_ONLY listing) always carry both.
        rotationDate: requiredIso(r.RotationDate, 'Rotations.RotationDate'),
        rotationType: oneOf(r.RotationType, ['AUTOMATIC', 'ON_DEMAND'], 'Rotations.RotationType'),
        keyMaterialId: r.KeyMaterialId,
      })),
      next: o.Truncated ? required(o.NextMarker, 'NextMarker') : undefined,
    }),
  );
}

async function listAliases(factory: ClientFactory, region: string): Promise<AliasListEntry[]> {
  const res = await callPages(
    factory,
    'kms',
    region,
    (marker) => new ListAliasesCommand({ Limit: 100, ...(marker ? { Marker: marker } : {}) }),
    (o) => ({ items: o.Aliases ?? [], next: o.Truncated ? o.NextMarker : undefined }),
  );
  // A gap here only costs alias names; the recorded call shows why.
  return res.status === 'ok' ? res.value : [];
}

function toMetadata(m: KeyMetadata): KmsKeyMetadata {
  const arn = required(m.Arn, 'KeyMetadata.Arn');
  return {
    keyId: required(m.KeyId, 'KeyMetadata.KeyId'),
    arn,
    keyAccountId: arn.split(':')[4] ?? m.AWSAccountId ?? '',
    keyManager: oneOf(m.KeyManager, ['AWS', 'CUSTOMER'], 'KeyMetadata.KeyManager'),
    keyState: required(m.KeyState, 'KeyMetadata.KeyState'),
    // CustomerMasterKeySpec is the deprecated name of the same member.
    keySpec: required(m.KeySpec ?? m.CustomerMasterKeySpec, 'KeyMetadata.KeySpec'),
    keyUsage: required(m.KeyUsage, 'KeyMetadata.KeyUsage'),
    origin: required(m.Origin, 'KeyMetadata.Origin'),
    customKeyStoreId: m.CustomKeyStoreId,
    description: m.Description || undefined,
    creationDate: iso(m.CreationDate),
    deletionDate: iso(m.DeletionDate),
    multiRegion: m.MultiRegion,
  };
}

function keySortName(k: KmsKeySnapshot): string {
  return k.metadata.status === 'ok' ? k.metadata.value.arn : (k.references[0] ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
