import type {
  BucketConfigHistory,
  BucketSnapshot,
  EncryptionRule,
  PublicAccessBlock,
} from '../snapshot/model.ts';
import type { EvidenceRef, Outcome } from '../snapshot/outcome.ts';
import { changeEvent, eventsAfter, SETTING_EVENTS, type EventIndex } from './events.ts';
import { recordedSettings } from './supplementary.ts';
import { periodSegments } from './timeline.ts';
import type { PeriodCheckId, ReconciliationEntry } from './types.ts';

interface Setting<T> {
  setting: string;
  checks: PeriodCheckId[];
  events: ReadonlySet<string>;
  recorded: Outcome<T>;
  live: Outcome<T>;
  describe(value: T | undefined): string;
}

function encryptionText(v: { rules: EncryptionRule[] } | undefined): string {
  if (!v || v.rules.length === 0) return 'no default encryption';
  return v.rules
    .map((r) => `${r.sseAlgorithm}${r.kmsMasterKeyId ? ` (${r.kmsMasterKeyId})` : ''}`)
    .join(', ');
}

function pabText(v: PublicAccessBlock | undefined): string {
  if (!v) return 'none';
  const on = (Object.keys(v) as (keyof PublicAccessBlock)[]).filter((k) => v[k]);
  return on.length === 4 ? 'all four on' : on.length === 0 ? 'all off' : `only ${on.join(', ')}`;
}

/** JSON with object keys sorted: two spellings of one policy compare equal. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function policyText(v: { text: string } | undefined): string {
  if (!v) return 'none';
  try {
    return sortedJson(JSON.parse(v.text) as unknown);
  } catch {
    return v.text;
  }
}

function aclText(
  v: { grants: { granteeType: string; grantee: string; permission: string }[] } | undefined,
): string {
  if (!v || v.grants.length === 0) return 'no grants';
  return [...new Set(v.grants.map((g) => `${g.grantee} ${g.permission}`))].sort().join(', ');
}

/**
 * The comparable text of an outcome: `undefined` when it is a gap, or an ACL the item does not
 * carry (every bucket has one, so a missing entry means Config did not record it).
 */
function textOf<T>(
  o: Outcome<T>,
  describe: (v: T | undefined) => string,
  setting: string,
): string | undefined {
  if (o.status === 'ok') return describe(o.value);
  if (o.status === 'absent' && setting !== 'bucket ACL') return describe(undefined);
  return undefined;
}

/** A policy is shown by its statement ids, not its full text. */
function shown(setting: string, text: string): string {
  if (setting !== 'bucket policy' || text === 'none') return text;
  try {
    const doc = JSON.parse(text) as { Statement?: { Sid?: string }[] | { Sid?: string } };
    const list = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    const sids = list.map((s, i) => s.Sid ?? `statement #${i + 1}`);
    return `a policy with ${sids.length} statement${sids.length === 1 ? '' : 's'} (${sids.join(', ')})`;
  } catch {
    return 'an unparsable policy';
  }
}

/**
 * The last state Config recorded in the period against today's live read, setting by setting: each
 * difference with the CloudTrail events after the period end that changed the setting (empty when
 * none was found). A setting either side could not read is not compared.
 */
export function reconcileBucket(
  bucket: BucketSnapshot,
  history: BucketConfigHistory | undefined,
  period: { start: string; end: string },
  events: EventIndex,
): ReconciliationEntry[] {
  if (!history || history.items.status !== 'ok') return [];
  const segments = periodSegments(history.items.value, new Date(period.start), new Date(period.end));
  const last = segments.at(-1);
  if (!last || last.kind !== 'state') return [];
  const itemEvidence = last.item.evidence ?? history.items.evidence;
  const r = recordedSettings(last.item, itemEvidence);
  const settings: Setting<never>[] = [
    {
      setting: 'default encryption',
      checks: ['s3.default-encryption', 's3.sse-kms-cmk'],
      events: SETTING_EVENTS.encryption,
      recorded: r.encryption,
      live: bucket.encryption,
      describe: encryptionText,
    },
    {
      setting: 'bucket policy',
      checks: ['s3.tls-only', 's3.deny-unencrypted-put', 's3.not-public'],
      events: SETTING_EVENTS.policy,
      recorded: r.policy,
      live: bucket.policy,
      describe: policyText,
    },
    {
      setting: 'bucket Block Public Access',
      checks: ['s3.bucket-public-access-block', 's3.not-public'],
      events: SETTING_EVENTS.publicAccessBlock,
      recorded: r.publicAccessBlock,
      live: bucket.publicAccessBlock,
      describe: pabText,
    },
    {
      setting: 'bucket ACL',
      checks: ['s3.not-public'],
      events: SETTING_EVENTS.acl,
      recorded: r.acl,
      live: bucket.acl,
      describe: aclText,
    },
  ] as unknown as Setting<never>[];
  const onBucket = events.on(bucket.region, bucket.name);
  const end = Date.parse(period.end);
  return settings.flatMap((s) => {
    const recorded = textOf(s.recorded, s.describe, s.setting);
    const live = textOf(s.live, s.describe, s.setting);
    if (recorded === undefined || live === undefined || recorded === live) return [];
    const changes = eventsAfter(onBucket, end, s.events).map(changeEvent);
    const evidence: EvidenceRef[] = [itemEvidence, s.live.evidence, ...changes.map((e) => e.evidence)];
    // Not found: the search read every page of the region; cited as one range shared by the
    // region's differences, so the citation does not grow with the pages.
    const searched = changes.length === 0 ? events.searched(bucket.region) : undefined;
    return [
      {
        bucketArn: bucket.arn,
        bucket: bucket.name,
        accountId: bucket.accountId,
        region: bucket.region,
        setting: s.setting,
        recorded: shown(s.setting, recorded),
        live: shown(s.setting, live),
        checks: s.checks,
        events: changes,
        evidence: [...new Map(evidence.map((e) => [`${e.file}#${e.callId}`, e])).values()],
        ...(searched ? { searched } : {}),
      },
    ];
  });
}
