import { describeGap, type EvidenceRef } from '../snapshot/outcome.ts';
import { ANONYMOUS_PROBES } from '../checks/policy/probes.ts';
import type { PolicyProbeResults } from '../checks/policy/types.ts';
import { judgeBucketPublicAccessBlock } from '../checks/s3/bucket-public-access-block.ts';
import { judgeDefaultEncryption } from '../checks/s3/default-encryption.ts';
import { effectiveFlag } from '../checks/s3/effective-block.ts';
import { judgeNotPublic } from '../checks/s3/not-public.ts';
import { judgeDenyUnencryptedPut } from '../checks/s3/deny-unencrypted-put.ts';
import { judgeSseKmsCmk } from '../checks/s3/sse-kms-cmk.ts';
import { judgeTlsOnly } from '../checks/s3/tls-only.ts';
import { listProse } from '../checks/support.ts';
import type { EvaluationContext } from '../checks/types.ts';
import type {
  AccountSnapshot,
  BucketConfigHistory,
  BucketSnapshot,
  ConfigHistoryItem,
} from '../snapshot/model.ts';
import { CHECK_EVENTS, type EventIndex } from './events.ts';
import { recordedSettings, type RecordedSettings } from './supplementary.ts';
import { periodSegments, type Segment } from './timeline.ts';
import {
  PERIOD_CHECKS,
  type PeriodBucketResult,
  type PeriodCheckId,
  type PeriodCheckResult,
  type PeriodUnknownCause,
  type PeriodWindow,
  type TimelineEntry,
} from './types.ts';
import {
  dateLabel,
  judgedParts,
  mergeWindows,
  windowsProse,
  withChangeEvents,
  withEventEvidence,
} from './windows.ts';

/** Probe results of a bucket policy text recorded in the history (precomputed: the simulator is async). */
export type PolicyLookup = (bucketArn: string, policyText: string) => PolicyProbeResults | undefined;

/** Everything the period judgement of one bucket reads. */
export interface PeriodInput {
  bucket: BucketSnapshot;
  account: AccountSnapshot;
  /** The bucket's history, or undefined when none was collected. */
  history: BucketConfigHistory | undefined;
  period: { start: string; end: string };
  ctx: EvaluationContext;
  policies: PolicyLookup;
  /** The account's write management events (who opened and closed each deviation). */
  events?: EventIndex | undefined;
}

/** A check's verdict in one segment of the period. */
type SegmentVerdict = {
  state: 'pass' | 'fail' | 'unknown' | 'not-applicable';
  reason: string;
  cause?: PeriodUnknownCause;
};

/** The bucket as one configuration item recorded it, shaped for the existing per-bucket judges. */
function viewOf(bucket: BucketSnapshot, s: RecordedSettings, evidence: EvidenceRef): BucketSnapshot {
  return {
    ...bucket,
    encryption: s.encryption,
    policy: s.policy,
    policyStatus: { status: 'absent', errorCode: 'derived:NotInConfigHistory', evidence },
    publicAccessBlock: s.publicAccessBlock,
    acl: s.acl,
    ownershipControls: s.ownershipControls,
  };
}

function fromJudge(status: string, reason: string): SegmentVerdict {
  if (status === 'pass') return { state: 'pass', reason };
  if (status === 'fail') return { state: 'fail', reason };
  if (status === 'not-applicable') return { state: 'not-applicable', reason };
  return { state: 'unknown', reason, cause: 'unjudgeable' };
}

/**
 * The context the live policy checks read, with the recorded policy's probe results in place of
 * today's: the same judge then runs on the historical policy version with the same probes.
 */
function contextFor(input: PeriodInput, view: BucketSnapshot, s: RecordedSettings): EvaluationContext {
  const analysis = s.policy.status === 'ok' ? input.policies(view.arn, s.policy.value.text) : undefined;
  return {
    ...input.ctx,
    policyAnalysis: {
      buckets: analysis ? { [view.arn]: analysis } : {},
      keys: input.ctx.policyAnalysis?.keys ?? {},
    },
  };
}

/** Whether the recorded policy is public, and why: S3's PolicyStatus when recorded, else our anonymous probe. */
function policyPublic(
  bucket: BucketSnapshot,
  s: RecordedSettings,
  policies: PolicyLookup,
): { state: 'public' | 'not-public' | 'unknown'; text: string } {
  const p = s.policy;
  if (p.status === 'denied' || p.status === 'error')
    return {
      state: 'unknown',
      text: `the recorded policy is unreadable (${p.status === 'error' ? p.message : p.errorCode})`,
    };
  if (p.status === 'absent') return { state: 'not-public', text: 'there was no bucket policy' };
  if (s.policyPublic !== undefined)
    return {
      state: s.policyPublic ? 'public' : 'not-public',
      text: `the recorded policy status was ${s.policyPublic ? 'public' : 'not public'}`,
    };
  const analysis = policies(bucket.arn, p.value.text);
  if (!analysis) return { state: 'unknown', text: 'the recorded policy was not analyzed' };
  if (analysis.kind === 'invalid')
    return { state: 'unknown', text: `the recorded policy could not be judged: ${analysis.message}` };
  const allowed = ANONYMOUS_PROBES.filter((probe) => analysis.probes[probe.name]?.decision === 'allowed');
  if (allowed.length === 0) return { state: 'not-public', text: 'the policy denied our anonymous probe' };
  const statements = [...new Set(allowed.flatMap((probe) => analysis.probes[probe.name]?.statements ?? []))];
  return { state: 'public', text: `the policy allowed anonymous access (${listProse(statements)})` };
}

/**
 * `s3.not-public` in one recorded state. The ACL route is judged by the check's own function (on a
 * view without the policy); the policy route from the recorded policy, since Config records no
 * PolicyStatus: public when it allows our anonymous probe and RestrictPublicBuckets is off.
 */
function notPublicIn(input: PeriodInput, view: BucketSnapshot, s: RecordedSettings): SegmentVerdict {
  const { account, ctx } = input;
  const none = {
    status: 'absent',
    errorCode: 'derived:PolicyJudgedSeparately',
    evidence: view.policy.evidence,
  } as const;
  const noPolicy: BucketSnapshot = { ...view, policy: none, policyStatus: none };
  const acl = judgeNotPublic(noPolicy, account, ctx);
  const aclText =
    acl.status === 'fail' ? acl.reason.replace(/^The \w+ bucket is public: /, '').replace(/\.$/, '') : '';
  const policy = policyPublic(view, s, input.policies);
  let policyState = policy.state;
  let policyText = policy.text;
  if (policy.state === 'public') {
    const restrict = effectiveFlag(view, account, 'restrictPublicBuckets');
    if (!restrict.known) {
      policyState = 'unknown';
      policyText = `${policy.text}, and whether RestrictPublicBuckets neutralized it is unknown (${describeGap(restrict.gap)})`;
    } else if (restrict.on) {
      policyState = 'not-public';
      policyText = `${policy.text}, neutralized by RestrictPublicBuckets at ${restrict.level ?? 'bucket'} level`;
    } else {
      policyText = `${policy.text} and RestrictPublicBuckets was off`;
    }
  }
  const publicParts = [...(policyState === 'public' ? [policyText] : []), ...(aclText ? [aclText] : [])];
  if (publicParts.length > 0) return { state: 'fail', reason: `public: ${publicParts.join('; and ')}` };
  if (policyState === 'unknown') return { state: 'unknown', reason: policyText };
  if (acl.status !== 'pass') return fromJudge(acl.status, acl.reason);
  return { state: 'pass', reason: `not public: ${policyText}` };
}

function judgeSegment(
  input: PeriodInput,
  checkId: PeriodCheckId,
  seg: Segment,
  evidence: EvidenceRef,
): SegmentVerdict {
  if (seg.kind === 'not-existing') return { state: 'not-applicable', reason: 'the bucket did not exist' };
  if (seg.kind === 'no-history')
    return { state: 'unknown', reason: 'AWS Config had no record of the bucket', cause: 'no-history' };
  if (seg.kind === 'not-recorded')
    return { state: 'unknown', reason: 'AWS Config was not recording the bucket', cause: 'not-recording' };
  const itemEvidence = seg.item.evidence ?? evidence;
  const s = recordedSettings(seg.item, itemEvidence);
  const view = viewOf(input.bucket, s, itemEvidence);
  const judge = (f: typeof judgeDefaultEncryption, ctx: EvaluationContext = input.ctx): SegmentVerdict => {
    const v = f(view, input.account, ctx);
    return fromJudge(v.status, v.reason);
  };
  switch (checkId) {
    case 's3.default-encryption':
      return judge(judgeDefaultEncryption);
    case 's3.sse-kms-cmk':
      return judge(judgeSseKmsCmk);
    case 's3.deny-unencrypted-put':
      return judge(judgeDenyUnencryptedPut, contextFor(input, view, s));
    case 's3.tls-only':
      return judge(judgeTlsOnly, contextFor(input, view, s));
    case 's3.bucket-public-access-block':
      return judge(judgeBucketPublicAccessBlock);
    case 's3.not-public':
      return notPublicIn(input, view, s);
  }
}

/** Name the events that opened and closed each broken window, from the account's CloudTrail events. */
function withEvents(input: PeriodInput, checkId: PeriodCheckId, windows: PeriodWindow[]): PeriodWindow[] {
  const index = input.events;
  if (!index) return windows;
  const events = index.on(input.bucket.region, input.bucket.name);
  return withChangeEvents(windows, input.period, events, CHECK_EVENTS[checkId] ?? new Set<string>());
}

/** A judge's sentence as a clause inside another sentence: no capital, no final period. */
function clause(sentence: string): string {
  const trimmed = sentence.replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed.charAt(0).toLowerCase() + trimmed.slice(1) : trimmed;
}

function checkOverPeriod(
  input: PeriodInput,
  checkId: PeriodCheckId,
  segments: Segment[],
  evidence: EvidenceRef,
  cited: EvidenceRef[],
  createdAt: number | undefined,
): PeriodCheckResult {
  const parts = judgedParts(segments, (seg) => judgeSegment(input, checkId, seg, evidence), evidence);
  const brokenWindows = withEvents(input, checkId, mergeWindows(parts, 'fail'));
  const unknownWindows = mergeWindows(parts, 'unknown');
  const base = { checkId, brokenWindows, unknownWindows, evidence: withEventEvidence(cited, brokenWindows) };
  if (brokenWindows.length > 0) {
    const first = brokenWindows[0];
    const unknownNote =
      unknownWindows.length > 0
        ? ` History is missing or unjudgeable for ${windowsProse(unknownWindows)}.`
        : '';
    return {
      ...base,
      status: 'broken',
      reason: `Broken during the period: ${windowsProse(brokenWindows)}${first ? ` (${clause(first.reason)})` : ''}.${unknownNote}`,
    };
  }
  if (unknownWindows.length > 0) {
    const first = unknownWindows[0];
    const cause = parts.find((p) => p.v.state === 'unknown')?.v.cause ?? 'unjudgeable';
    return {
      ...base,
      status: 'unknown',
      cause,
      reason: `Unknown for ${windowsProse(unknownWindows)}${first ? `: ${clause(first.reason)}` : ''}; no recorded state failed.`,
    };
  }
  const start = Date.parse(input.period.start);
  if (createdAt !== undefined && createdAt > start && createdAt < Date.parse(input.period.end)) {
    return {
      ...base,
      status: 'unknown',
      cause: 'created-during-period',
      reason: `Unknown for the whole period: the bucket was created on ${dateLabel(createdAt)} (AWS Config resourceCreationTime), inside the period; it passed in every recorded state since, but did not operate over the whole period.`,
    };
  }
  const inapplicable = parts.find((p) => p.v.state === 'not-applicable' && p.evidence !== undefined);
  if (inapplicable && !parts.some((p) => p.v.state === 'pass'))
    return {
      ...base,
      status: 'not-applicable',
      reason: `Not applicable throughout the period: ${clause(inapplicable.v.reason)}.`,
    };
  return {
    ...base,
    status: 'held',
    reason: parts.some((p) => p.v.state === 'pass')
      ? 'Held throughout the period: it passed in every recorded state.'
      : 'Held: the bucket did not exist during the period.',
  };
}

function unknownThroughout(
  input: PeriodInput,
  reason: string,
  evidence: EvidenceRef[],
  cause: PeriodUnknownCause,
  createdAt?: string,
): PeriodBucketResult {
  const window: PeriodWindow = { from: input.period.start, to: input.period.end, reason };
  const lead =
    cause === 'created-after-period'
      ? 'Unknown: the bucket did not exist during the period'
      : cause === 'read-failed'
        ? 'Unknown'
        : 'Unknown for lack of history';
  return {
    ...identity(input.bucket),
    ...(createdAt ? { createdAt } : {}),
    timeline: [],
    checks: PERIOD_CHECKS.map((checkId) => ({
      checkId,
      status: 'unknown',
      cause,
      reason: `${lead}: ${reason}.`,
      brokenWindows: [],
      unknownWindows: [window],
      evidence,
    })),
  };
}

function identity(b: BucketSnapshot) {
  return { bucketArn: b.arn, bucket: b.name, accountId: b.accountId, region: b.region };
}

function describeSettings(s: RecordedSettings, publicPolicy: boolean | undefined) {
  const enc = s.encryption;
  const encryption =
    enc.status === 'ok'
      ? enc.value.rules
          .map((r) => (r.kmsMasterKeyId ? `${r.sseAlgorithm} (${r.kmsMasterKeyId})` : r.sseAlgorithm))
          .join(', ') || 'no rule'
      : enc.status === 'absent'
        ? 'none'
        : 'unreadable';
  const p = s.policy;
  const policy =
    p.status === 'ok'
      ? publicPolicy
        ? 'set, allows anonymous access'
        : 'set'
      : p.status === 'absent'
        ? 'none'
        : 'unreadable';
  const b = s.publicAccessBlock;
  let publicAccessBlock = 'unreadable';
  if (b.status === 'absent') publicAccessBlock = 'none';
  if (b.status === 'ok') {
    const on = (Object.keys(b.value) as (keyof typeof b.value)[]).filter((k) => b.value[k]);
    publicAccessBlock =
      on.length === 4 ? 'all four on' : on.length === 0 ? 'all off' : `only ${on.join(', ')}`;
  }
  return { encryption, policy, publicAccessBlock };
}

/** The recorded changes of the bucket, oldest first, each compared with the one before. */
export function timelineOf(
  bucket: BucketSnapshot,
  items: readonly ConfigHistoryItem[],
  evidence: EvidenceRef,
  policies: PolicyLookup,
): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let prev: ReturnType<typeof describeSettings> | undefined;
  for (const item of items) {
    const s = recordedSettings(item, evidence);
    const d = describeSettings(s, policyPublic(bucket, s, policies).state === 'public');
    const changes: string[] = [];
    if (prev) {
      if (prev.encryption !== d.encryption) changes.push(`Encryption: ${prev.encryption} → ${d.encryption}`);
      if (prev.policy !== d.policy) changes.push(`Policy: ${prev.policy} → ${d.policy}`);
      if (prev.publicAccessBlock !== d.publicAccessBlock)
        changes.push(`Block Public Access: ${prev.publicAccessBlock} → ${d.publicAccessBlock}`);
    }
    out.push({ at: item.captureTime, itemStatus: item.status, ...d, changes });
    prev = d;
  }
  return out;
}

/**
 * Judge one bucket over the audit period, from its AWS Config history: for each of
 * {@link PERIOD_CHECKS}, `held`, `broken` with the windows where it failed, or `unknown` where
 * there is no history. Pure: reads only its input. The account-level Block Public Access is taken
 * as read today (its history is a different Config resource type).
 */
export function judgeBucketOverPeriod(input: PeriodInput): PeriodBucketResult {
  const h = input.history;
  if (!h)
    return unknownThroughout(input, 'no AWS Config history was collected for the bucket', [], 'no-history');
  const items = h.items;
  const pages = h.pages ?? [items.evidence];
  if (items.status === 'denied' || items.status === 'error')
    return unknownThroughout(
      input,
      `reading the AWS Config history failed: ${describeGap(items)}`,
      pages,
      'read-failed',
    );
  if (items.status === 'absent' || items.value.length === 0) return withoutItems(input, h, pages);
  const created = items.value.find((i) => i.resourceCreationTime)?.resourceCreationTime;
  const createdAt = created ? Date.parse(created) : undefined;
  const segments = periodSegments(items.value, new Date(input.period.start), new Date(input.period.end));
  return {
    ...identity(input.bucket),
    ...(created ? { createdAt: new Date(created).toISOString() } : {}),
    timeline: timelineOf(input.bucket, items.value, items.evidence, input.policies),
    checks: PERIOD_CHECKS.map((checkId) =>
      checkOverPeriod(input, checkId, segments, items.evidence, pages, createdAt),
    ),
  };
}

/**
 * No configuration item up to the period end: the first item after it dates the bucket. Created
 * after the period, it was not there to operate; otherwise Config simply has no record of the period.
 */
function withoutItems(input: PeriodInput, h: BucketConfigHistory, pages: EvidenceRef[]): PeriodBucketResult {
  const after = h.afterPeriod;
  const cited = after ? [...pages, after.evidence] : pages;
  const first = after?.status === 'ok' ? after.value[0] : undefined;
  const created = first?.resourceCreationTime;
  if (created && Date.parse(created) >= Date.parse(input.period.end))
    return unknownThroughout(
      input,
      `it was created on ${dateLabel(created)} (AWS Config resourceCreationTime), after the period ended`,
      first?.evidence ? [...cited, first.evidence] : cited,
      'created-after-period',
      new Date(created).toISOString(),
    );
  const code = h.items.status === 'absent' ? ` (${h.items.errorCode})` : '';
  const firstNote = first ? `; Config first recorded it on ${dateLabel(first.captureTime)}` : '';
  return unknownThroughout(
    input,
    `AWS Config has no record of the bucket during the period${code}${firstNote}`,
    cited,
    'no-history',
  );
}
