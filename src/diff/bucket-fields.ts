import { createHash } from 'node:crypto';
import type { Outcome } from '../snapshot/outcome.ts';
import type { AclGrant, BucketSnapshot, PublicAccessBlock } from '../snapshot/model.ts';
import type { FieldChange } from './types.ts';

/** The four Block Public Access flags, in the order AWS lists them. */
const PAB_FLAGS: readonly (keyof PublicAccessBlock)[] = [
  'blockPublicAcls',
  'ignorePublicAcls',
  'blockPublicPolicy',
  'restrictPublicBuckets',
];

const PUBLIC_GROUPS: Readonly<Record<string, string>> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

/** Words for an outcome that is not `ok`. */
function describeNotOk(o: Exclude<Outcome<unknown>, { status: 'ok' }>, absent: string): string {
  return o.status === 'absent' ? absent : `not read (${o.status}: ${o.errorCode})`;
}

/** Describe one side of a property: `describe(value)` when read, else absent/gap words. */
function side<T>(o: Outcome<T>, absent: string, describe: (value: T) => string): string {
  return o.status === 'ok' ? describe(o.value) : describeNotOk(o, absent);
}

function changeIf(field: string, oldText: string, newText: string): FieldChange[] {
  return oldText === newText ? [] : [{ field, old: oldText, new: newText }];
}

/** Default encryption: algorithm(s) and key(s), as separate fields so a key rotation reads as one. */
function encryptionChanges(a: BucketSnapshot['encryption'], b: BucketSnapshot['encryption']): FieldChange[] {
  const algorithm = (o: BucketSnapshot['encryption']) =>
    side(o, 'none', (v) => v.rules.map((r) => r.sseAlgorithm).join(', ') || 'none');
  const key = (o: BucketSnapshot['encryption']) =>
    side(o, 'none', (v) => {
      const kms = v.rules.filter((r) => r.sseAlgorithm.startsWith('aws:kms'));
      return kms.length ? kms.map((r) => r.kmsMasterKeyId ?? 'aws/s3 (AWS managed)').join(', ') : 'none';
    });
  const bucketKey = (o: BucketSnapshot['encryption']) =>
    side(
      o,
      'none',
      (v) => v.rules.map((r) => (r.bucketKeyEnabled ? 'enabled' : 'disabled')).join(', ') || 'none',
    );
  const algoChanges = changeIf('encryption.algorithm', algorithm(a), algorithm(b));
  // When the whole outcome is unreadable on one side, the algorithm line already says so.
  if (a.status !== 'ok' || b.status !== 'ok') return algoChanges;
  return [
    ...algoChanges,
    ...changeIf('encryption.key', key(a), key(b)),
    ...changeIf('encryption.bucketKey', bucketKey(a), bucketKey(b)),
  ];
}

/** Policy text compared after JSON normalisation, so re-indenting the same document is not a change. */
function normalisedPolicy(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Statement count of a policy document, or `unparseable`. */
function statementCount(text: string): string {
  try {
    const st = (JSON.parse(text) as { Statement?: unknown }).Statement;
    const n = Array.isArray(st) ? st.length : st === undefined ? 0 : 1;
    return `${n} statement${n === 1 ? '' : 's'}`;
  } catch {
    return 'unparseable';
  }
}

/** A policy in a few words: statement count and a short hash of the normalised text. */
function describePolicy(text: string): string {
  const hash = createHash('sha256').update(normalisedPolicy(text)).digest('hex').slice(0, 12);
  return `${statementCount(text)}, sha256 ${hash}`;
}

function policyChanges(a: BucketSnapshot, b: BucketSnapshot): FieldChange[] {
  const policy = (s: BucketSnapshot) => side(s.policy, 'none', (v) => describePolicy(v.text));
  // No policy is "not public": removing a private policy does not change the public status.
  const isPublic = (s: BucketSnapshot) =>
    side(s.policyStatus, 'not public', (v) => (v.isPublic ? 'public' : 'not public'));
  return [
    ...changeIf('policy', policy(a), policy(b)),
    ...changeIf('policy.public', isPublic(a), isPublic(b)),
  ];
}

/**
 * Block Public Access flag by flag. An absent configuration means every flag is off (as AWS applies
 * it), so absent → all-false is no change; an unreadable side is reported once, not per flag.
 */
export function publicAccessBlockChanges(
  prefix: string,
  a: Outcome<PublicAccessBlock>,
  b: Outcome<PublicAccessBlock>,
): FieldChange[] {
  const gapText = (o: Outcome<PublicAccessBlock>) =>
    o.status === 'denied' || o.status === 'error' ? describeNotOk(o, '') : 'read';
  if (gapText(a) !== 'read' || gapText(b) !== 'read') return changeIf(prefix, gapText(a), gapText(b));
  const flag = (o: Outcome<PublicAccessBlock>, f: keyof PublicAccessBlock) =>
    o.status === 'ok' ? String(o.value[f]) : 'false (not configured)';
  const flagValue = (o: Outcome<PublicAccessBlock>, f: keyof PublicAccessBlock) =>
    o.status === 'ok' && o.value[f];
  return PAB_FLAGS.flatMap((f) =>
    flagValue(a, f) === flagValue(b, f)
      ? []
      : [{ field: `${prefix}.${f}`, old: flag(a, f), new: flag(b, f) }],
  );
}

/** Grants to everyone or to any authenticated AWS user, as sorted `Group PERMISSION` words. */
function publicGrants(grants: AclGrant[]): string {
  const words = grants.flatMap((g) => {
    const group = g.granteeType === 'Group' ? PUBLIC_GROUPS[g.grantee] : undefined;
    return group ? [`${group} ${g.permission}`] : [];
  });
  return [...new Set(words)].sort().join(', ') || 'none';
}

function aclChanges(a: BucketSnapshot, b: BucketSnapshot): FieldChange[] {
  const grants = (s: BucketSnapshot) => side(s.acl, 'none', (v) => publicGrants(v.grants));
  const owner = (s: BucketSnapshot) => side(s.acl, 'none', (v) => v.ownerId);
  const ownership = (s: BucketSnapshot) => side(s.ownershipControls, 'not set', (v) => v.objectOwnership);
  const grantChanges = changeIf('acl.publicGrants', grants(a), grants(b));
  const ownerChanges =
    a.acl.status === 'ok' && b.acl.status === 'ok' ? changeIf('acl.owner', owner(a), owner(b)) : [];
  return [...grantChanges, ...ownerChanges, ...changeIf('objectOwnership', ownership(a), ownership(b))];
}

/** Every change between two reads of the same bucket, in a fixed field order. */
export function bucketFieldChanges(a: BucketSnapshot, b: BucketSnapshot): FieldChange[] {
  return [
    ...changeIf('region', a.region, b.region),
    ...encryptionChanges(a.encryption, b.encryption),
    ...policyChanges(a, b),
    ...publicAccessBlockChanges('publicAccessBlock', a.publicAccessBlock, b.publicAccessBlock),
    ...aclChanges(a, b),
  ];
}
