import type { EvidenceRef, Outcome } from '../snapshot/outcome.ts';
import type {
  AclGrant,
  BucketSnapshot,
  ConfigHistoryItem,
  EncryptionRule,
  PublicAccessBlock,
} from '../snapshot/model.ts';

/** The bucket settings one configuration item records, as the outcomes the S3 judges read. */
export type RecordedSettings = Pick<
  BucketSnapshot,
  'encryption' | 'policy' | 'publicAccessBlock' | 'acl' | 'ownershipControls'
> & {
  /** `PolicyStatus.isPublic` when the item carries one (AWS Config does not for S3 buckets today). */
  policyPublic?: boolean | undefined;
};

const GROUPS: Record<string, string> = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
  LogDelivery: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
};

type Json = Record<string, unknown>;

/** A value read from a supplementary entry: missing, present (possibly `null`), or unparseable. */
type Entry = { kind: 'missing' } | { kind: 'value'; value: unknown } | { kind: 'invalid'; message: string };

/** AWS Config's API returns each entry as JSON text; its delivered snapshots as objects. Accept both. */
function entry(item: ConfigHistoryItem, ...names: string[]): Entry {
  const sc = item.supplementaryConfiguration as Record<string, unknown>;
  const name = names.find((n) => Object.hasOwn(sc, n));
  if (name === undefined) return { kind: 'missing' };
  const raw = sc[name];
  if (typeof raw !== 'string') return { kind: 'value', value: raw };
  try {
    return { kind: 'value', value: JSON.parse(raw) as unknown };
  } catch (err) {
    return { kind: 'invalid', message: `${name} is not valid JSON (${(err as Error).message})` };
  }
}

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** First property present under any of the spellings (Config uses camelCase, S3 PascalCase). */
function pick(o: Json | undefined, ...keys: string[]): unknown {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function unreadable(what: string, message: string, evidence: EvidenceRef): Outcome<never> {
  return { status: 'error', errorCode: 'UnreadableHistoryItem', message: `${what}: ${message}`, evidence };
}

function absent(code: string, evidence: EvidenceRef): Outcome<never> {
  return { status: 'absent', errorCode: code, evidence };
}

function encryptionOf(item: ConfigHistoryItem, ev: EvidenceRef): BucketSnapshot['encryption'] {
  const e = entry(item, 'ServerSideEncryptionConfiguration');
  if (e.kind === 'invalid') return unreadable('ServerSideEncryptionConfiguration', e.message, ev);
  const rulesRaw = e.kind === 'value' ? pick(obj(e.value), 'rules', 'Rules') : undefined;
  if (!Array.isArray(rulesRaw) || rulesRaw.length === 0)
    return absent('NoServerSideEncryptionConfigurationRecorded', ev);
  const rules: EncryptionRule[] = [];
  for (const r of rulesRaw) {
    const def = obj(pick(obj(r), 'applyServerSideEncryptionByDefault', 'ApplyServerSideEncryptionByDefault'));
    const algorithm = str(pick(def, 'sseAlgorithm', 'SSEAlgorithm'));
    if (!algorithm) continue;
    rules.push({
      sseAlgorithm: algorithm,
      kmsMasterKeyId: str(pick(def, 'kmsMasterKeyID', 'KMSMasterKeyID', 'kmsMasterKeyId')),
      bucketKeyEnabled: pick(obj(r), 'bucketKeyEnabled', 'BucketKeyEnabled') === true,
    });
  }
  return { status: 'ok', value: { rules }, evidence: ev };
}

function policyOf(item: ConfigHistoryItem, ev: EvidenceRef): BucketSnapshot['policy'] {
  const e = entry(item, 'BucketPolicy');
  if (e.kind === 'invalid') return unreadable('BucketPolicy', e.message, ev);
  const text = e.kind === 'value' ? pick(obj(e.value), 'policyText', 'PolicyText') : undefined;
  if (typeof text === 'string' && text.trim() !== '') return { status: 'ok', value: { text }, evidence: ev };
  if (text !== undefined && text !== null && typeof text === 'object')
    return { status: 'ok', value: { text: JSON.stringify(text) }, evidence: ev };
  return absent('NoBucketPolicyRecorded', ev);
}

function publicAccessBlockOf(item: ConfigHistoryItem, ev: EvidenceRef): BucketSnapshot['publicAccessBlock'] {
  const e = entry(item, 'PublicAccessBlockConfiguration');
  if (e.kind === 'invalid') return unreadable('PublicAccessBlockConfiguration', e.message, ev);
  const c = e.kind === 'value' ? obj(e.value) : undefined;
  if (!c) return absent('NoPublicAccessBlockConfigurationRecorded', ev);
  const flag = (camel: string, pascal: string) => pick(c, camel, pascal) === true;
  const value: PublicAccessBlock = {
    blockPublicAcls: flag('blockPublicAcls', 'BlockPublicAcls'),
    ignorePublicAcls: flag('ignorePublicAcls', 'IgnorePublicAcls'),
    blockPublicPolicy: flag('blockPublicPolicy', 'BlockPublicPolicy'),
    restrictPublicBuckets: flag('restrictPublicBuckets', 'RestrictPublicBuckets'),
  };
  return { status: 'ok', value, evidence: ev };
}

/** A grant as Config records it: `"AllUsers"` for groups, `{id}` / `{identifier}` for users; or the S3 shape. */
function grantOf(g: unknown): AclGrant | undefined {
  const o = obj(g);
  const permission = str(pick(o, 'permission', 'Permission')) ?? '';
  const perm = permission.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  const grantee = pick(o, 'grantee', 'Grantee');
  if (typeof grantee === 'string')
    return { granteeType: 'Group', grantee: GROUPS[grantee] ?? grantee, permission: perm };
  const ge = obj(grantee);
  if (ge) {
    const id = str(pick(ge, 'id', 'ID', 'identifier', 'URI', 'uri')) ?? '';
    const type =
      str(pick(ge, 'type', 'Type', 'typeIdentifier')) ?? (id.startsWith('http') ? 'Group' : 'CanonicalUser');
    return {
      granteeType: type === 'id' ? 'CanonicalUser' : type,
      grantee: GROUPS[id] ?? id,
      permission: perm,
    };
  }
  // The sandbox's recorded shape: `{ type, id, permission }` at the top level.
  const id = str(pick(o, 'id'));
  if (id) return { granteeType: str(pick(o, 'type')) ?? 'CanonicalUser', grantee: id, permission: perm };
  return undefined;
}

function aclOf(item: ConfigHistoryItem, ev: EvidenceRef): BucketSnapshot['acl'] {
  const e = entry(item, 'AccessControlList');
  if (e.kind === 'invalid') return unreadable('AccessControlList', e.message, ev);
  const acl = e.kind === 'value' ? obj(e.value) : undefined;
  if (!acl) return absent('NoAccessControlListRecorded', ev);
  const owner = pick(acl, 'owner', 'Owner');
  const ownerId = typeof owner === 'string' ? owner : (str(pick(obj(owner), 'id', 'ID')) ?? '');
  const list = pick(acl, 'grantList', 'grants', 'Grants');
  const grants = (Array.isArray(list) ? list : []).map(grantOf).filter((g): g is AclGrant => g !== undefined);
  return { status: 'ok', value: { ownerId, grants }, evidence: ev };
}

function ownershipOf(item: ConfigHistoryItem, ev: EvidenceRef): BucketSnapshot['ownershipControls'] {
  const e = entry(item, 'BucketOwnershipControls', 'OwnershipControls');
  if (e.kind === 'invalid') return unreadable('BucketOwnershipControls', e.message, ev);
  const root = e.kind === 'value' ? obj(e.value) : undefined;
  const controls = obj(pick(root, 'ownershipControls', 'OwnershipControls')) ?? root;
  const rules = pick(controls, 'rules', 'Rules');
  const first = Array.isArray(rules) ? obj(rules[0]) : undefined;
  const objectOwnership = str(pick(first, 'objectOwnership', 'ObjectOwnership'));
  if (!objectOwnership) return absent('NoOwnershipControlsRecorded', ev);
  return { status: 'ok', value: { objectOwnership }, evidence: ev };
}

function policyPublicOf(item: ConfigHistoryItem): boolean | undefined {
  const e = entry(item, 'BucketPolicyStatus', 'PolicyStatus');
  if (e.kind !== 'value') return undefined;
  const v = pick(obj(e.value), 'isPublic', 'IsPublic');
  const nested = pick(obj(pick(obj(e.value), 'policyStatus', 'PolicyStatus')), 'isPublic', 'IsPublic');
  const isPublic = v ?? nested;
  return typeof isPublic === 'boolean' ? isPublic : undefined;
}

/**
 * The settings a configuration item records. A setting the item does not carry reads as `absent`
 * (Config omits what the bucket does not have); an entry that is not valid JSON is an `error` gap.
 */
export function recordedSettings(item: ConfigHistoryItem, evidence: EvidenceRef): RecordedSettings {
  // Every period check, the timeline and the reconciliation read the same item: parse it once.
  let byEvidence = parsed.get(item);
  if (!byEvidence) parsed.set(item, (byEvidence = new Map()));
  let settings = byEvidence.get(evidence);
  if (!settings) byEvidence.set(evidence, (settings = parseSettings(item, evidence)));
  return settings;
}

const parsed = new WeakMap<ConfigHistoryItem, Map<EvidenceRef, RecordedSettings>>();

function parseSettings(item: ConfigHistoryItem, evidence: EvidenceRef): RecordedSettings {
  return {
    encryption: encryptionOf(item, evidence),
    policy: policyOf(item, evidence),
    publicAccessBlock: publicAccessBlockOf(item, evidence),
    acl: aclOf(item, evidence),
    ownershipControls: ownershipOf(item, evidence),
    policyPublic: policyPublicOf(item),
  };
}
