import { createHash } from 'node:crypto';
/**
 * KMS state of one account: keys and aliases per region, kept under `account.services.get('kms')`.
 */
import type { KeyObject } from 'node:crypto';
import type { AccountState } from '../../types.ts';

/** The secret or key pair behind a KMS key (none while EXTERNAL material awaits import). */
export type KeyMaterial =
  | { kind: 'symmetric'; secret: Buffer }
  | { kind: 'hmac'; secret: Buffer }
  | { kind: 'asymmetric'; privateKey: KeyObject; publicKey: KeyObject }
  | { kind: 'none' };

export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport';

/** One KMS key as the sandbox keeps it. */
export interface KmsKey {
  keyId: string;
  arn: string;
  accountId: string;
  region: string;
  creationDate: Date;
  description: string;
  keyUsage: string;
  keySpec: string;
  origin: 'AWS_KMS' | 'EXTERNAL';
  keyManager: 'AWS' | 'CUSTOMER';
  keyState: KeyState;
  /** The state to return to when a scheduled deletion is cancelled is always `Disabled` in AWS. */
  policy: string;
  rotation: { enabled: boolean; periodInDays: number; enabledAt?: Date | undefined };
  /** Completed rotations of the key material, oldest first (ListKeyRotations). */
  rotations?: KeyRotationRecord[] | undefined;
  /** An on-demand rotation that has started and not yet completed. */
  onDemandStartedAt?: Date | undefined;
  deletionDate?: Date | undefined;
  pendingWindowInDays?: number | undefined;
  multiRegion: boolean;
  tags: { TagKey: string; TagValue: string }[];
  material: KeyMaterial;
}

/** One completed rotation of a key's material. */
export interface KeyRotationRecord {
  date: Date;
  type: 'AUTOMATIC' | 'ON_DEMAND';
  keyMaterialId: string;
}

/** An alias (`alias/...`) pointing at a key of the same account and region. */
export interface KmsAlias {
  name: string;
  targetKeyId: string;
  creationDate: Date;
  lastUpdatedDate: Date;
}

/** KMS state of one region. */
export interface KmsRegionState {
  keys: Map<string, KmsKey>;
  aliases: Map<string, KmsAlias>;
}

interface KmsAccountState {
  regions: Map<string, KmsRegionState>;
}

/** The KMS state of `account` in `region`, created empty on first use. */
export function kmsRegion(account: AccountState, region: string): KmsRegionState {
  let kms = account.services.get('kms') as KmsAccountState | undefined;
  if (!kms) {
    kms = { regions: new Map() };
    account.services.set('kms', kms);
  }
  let regional = kms.regions.get(region);
  if (!regional) {
    regional = { keys: new Map(), aliases: new Map() };
    kms.regions.set(region, regional);
  }
  return regional;
}

/** `arn:aws:kms:<region>:<account>:key/<id>` */
export function keyArnOf(accountId: string, region: string, keyId: string): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

/** `arn:aws:kms:<region>:<account>:alias/<name>` (the alias name includes `alias/`). */
export function aliasArnOf(accountId: string, region: string, aliasName: string): string {
  return `arn:aws:kms:${region}:${accountId}:${aliasName}`;
}

/**
 * A key id that is new in this region and the same for the same sequence of CreateKey calls, so
 * that two sandbox runs of one scenario name their keys alike (packs then diff cleanly).
 */
export function nextKeyId(accountId: string, region: string, kms: KmsRegionState, prefix = ''): string {
  for (let n = kms.keys.size; ; n++) {
    const h = createHash('sha256').update(`${prefix}|${accountId}|${region}|${n}`).digest('hex');
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    if (!kms.keys.has(id)) return id;
  }
}
