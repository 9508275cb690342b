import { describeGap, type EvidenceRef } from '../snapshot/outcome.ts';
import { ANONYMOUS_PROBES } from '../checks/policy/probes.ts';
import type { PolicyProbeResults } from '../checks/policy/types.ts';
import { judgeBucketPublicAccessBlock } from '../checks/s3/bucket-public-access-block.ts';
import { judgeDefaultEncryption } from '../checks/s3/default-encryption.ts';
import { effectiveFlag } from '../checks/s3/effective-block.ts';
import { judgeNotPublic } from '../checks/s3/not-public.ts';
import { listProse } from '../checks/support.ts';
import type { EvaluationContext } from '../checks/types.ts';
import type {
  AccountSnapshot,
  BucketConfigHistory,
  BucketSnapshot,
  ConfigHistoryItem,
} from '../snapshot/model.ts';
import { recordedSettings, type RecordedSettings } from './supplementary.ts';
import { periodSegments, type Segment } from './timeline.ts';
import {
  PERIOD_CHECKS,
  type PeriodBucketResult,
  type PeriodCheckId,
  type PeriodCheckResult,
  type PeriodWindow,
  type TimelineEntry,
} from './types.ts';

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
}

/** A check's verdict in one segment of the period. */
type SegmentVerdict = { state: 'pass' | 'fail' | 'unknown' | 'not-applicable'; reason: string };

/** `2026-03-01 14:05:00 UTC` (the report's one time format). */
export function dateLabel(iso: string | number): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

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
  return { state: 'unknown', reason };
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
    return { state: 'unknown', reason: 'AWS Config had no record of the bucket' };
  if (seg.kind === 'not-recorded')
    return { state: 'unknown', reason: 'AWS Config was not recording the bucket' };
  const s = recordedSettings(seg.item, evidence);
  const view = viewOf(input.bucket, s, evidence);
  if (checkId === 's3.default-encryption') {
    const v = judgeDefaultEncryption(view, input.account, input.ctx);
    return fromJudge(v.status, v.reason);
  }
  if (checkId === 's3.bucket-public-access-block') {
    const v = judgeBucketPublicAccessBlock(view, input.account, input.ctx);
    return fromJudge(v.status, v.reason);
  }
  return notPublicIn(input, view, s);
}

/** Adjacent segments with the same state and reason become one window. */
function windowsOf(
  parts: { from: number; to: number; v: SegmentVerdict }[],
  state: SegmentVerdict['state'],
): PeriodWindow[] {
  const out: PeriodWindow[] = [];
  let last: { from: number; to: number; reason: string } | undefined;
  for (const p of parts) {
    if (p.v.state !== state) {
      last = undefined;
      continue;
    }
    if (last && last.to === p.from && last.reason === p.v.reason) {
      last.to = p.to;
      const w = out[out.length - 1];
      if (w) w.to = new Date(p.to).toISOString();
      continue;
    }
    last = { from: p.from, to: p.to, reason: p.v.reason };
    out.push({ from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString(), reason: p.v.reason });
  }
  return out;
}

/** A judge's sentence as a clause inside another sentence: no capital, no final period. */
function clause(sentence: string): string {
  const trimmed = sentence.replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed.charAt(0).toLowerCase() + trimmed.slice(1) : trimmed;
}

function windowsProse(windows: readonly PeriodWindow[]): string {
  return listProse(windows.map((w) => `${dateLabel(w.from)} to ${dateLabel(w.to)}`));
}

function checkOverPeriod(
  input: PeriodInput,
  checkId: PeriodCheckId,
  segments: Segment[],
  evidence: EvidenceRef,
): PeriodCheckResult {
  const parts = segments.map((seg) => ({
    from: seg.from,
    to: seg.to,
    v: judgeSegment(input, checkId, seg, evidence),
  }));
  const brokenWindows = windowsOf(parts, 'fail');
  const unknownWindows = windowsOf(parts, 'unknown');
  const base = { checkId, brokenWindows, unknownWindows, evidence: [evidence] };
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
    return {
      ...base,
      status: 'unknown',
      reason: `Unknown for ${windowsProse(unknownWindows)}${first ? `: ${clause(first.reason)}` : ''}; no recorded state failed.`,
    };
  }
  return {
    ...base,
    status: 'held',
    reason: parts.some((p) => p.v.state === 'pass')
      ? 'Held throughout the period: it passed in every recorded state.'
      : 'Held: the bucket did not exist during the period.',
  };
}

function unknownThroughout(input: PeriodInput, reason: string, evidence: EvidenceRef[]): PeriodBucketResult {
  const window: PeriodWindow = { from: input.period.start, to: input.period.end, reason };
  return {
    ...identity(input.bucket),
    timeline: [],
    checks: PERIOD_CHECKS.map((checkId) => ({
      checkId,
      status: 'unknown',
      reason: `Unknown for lack of history: ${reason}.`,
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
  if (!h) return unknownThroughout(input, 'no AWS Config history was collected for the bucket', []);
  const items = h.items;
  if (items.status === 'denied' || items.status === 'error')
    return unknownThroughout(input, `reading the AWS Config history failed: ${describeGap(items)}`, [
      items.evidence,
    ]);
  if (items.status === 'absent')
    return unknownThroughout(input, `AWS Config has no recorded history of the bucket (${items.errorCode})`, [
      items.evidence,
    ]);
  const segments = periodSegments(items.value, new Date(input.period.start), new Date(input.period.end));
  return {
    ...identity(input.bucket),
    timeline: timelineOf(input.bucket, items.value, items.evidence, input.policies),
    checks: PERIOD_CHECKS.map((checkId) => checkOverPeriod(input, checkId, segments, items.evidence)),
  };
}
