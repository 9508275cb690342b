import { managedRules } from '../checks/config/rules-present.ts';
import { bucketResource } from '../checks/support.ts';
import type {
  AccountSnapshot,
  BucketSnapshot,
  ComplianceHistoryItem,
  ResourceComplianceHistory,
} from '../snapshot/model.ts';
import { dateLabel, windowsWithDurations } from './windows.ts';
import { unknownOverPeriod } from './logging-verdict.ts';
import type { PeriodMonitoringResult, PeriodUnknownCause, PeriodWindow } from './types.ts';
import type { EvidenceRef } from '../snapshot/outcome.ts';

const CHECK_ID = 'config.rule-compliant';

type State = 'compliant' | 'non-compliant' | 'not-applicable' | 'no-result';

/** The rules' result in one item: NON_COMPLIANT under any of them wins, then COMPLIANT. */
function stateOf(item: ComplianceHistoryItem, names: ReadonlySet<string>): { state: State; text: string } {
  if (item.status === 'ResourceDeleted' || item.status === 'ResourceDeletedNotRecorded')
    return { state: 'no-result', text: 'the compliance record was deleted' };
  const results = item.rules.filter((r) => names.has(r.configRuleName));
  const with_ = (type: string) => results.filter((r) => r.complianceType === type);
  const non = with_('NON_COMPLIANT');
  if (non.length > 0)
    return {
      state: 'non-compliant',
      text: `AWS Config rule ${non.map((r) => `"${r.configRuleName}"`).join(', ')} reported NON_COMPLIANT`,
    };
  if (with_('COMPLIANT').length > 0) return { state: 'compliant', text: 'COMPLIANT' };
  if (with_('NOT_APPLICABLE').length > 0) return { state: 'not-applicable', text: 'NOT_APPLICABLE' };
  return { state: 'no-result', text: 'the rule had no result for the bucket' };
}

interface Part {
  from: number;
  to: number;
  state: State;
  text: string;
  item?: ComplianceHistoryItem | undefined;
}

/** The period cut at each compliance item; before the first, no result is known. */
function parts(
  items: readonly ComplianceHistoryItem[],
  names: ReadonlySet<string>,
  start: number,
  end: number,
): Part[] {
  const out: Part[] = [];
  const baseline = items.filter((i) => Date.parse(i.captureTime) <= start).at(-1);
  let current: Part = baseline
    ? { from: start, to: end, ...stateOf(baseline, names), item: baseline }
    : {
        from: start,
        to: end,
        state: 'no-result',
        text: 'AWS Config recorded no compliance result before this',
      };
  for (const item of items) {
    const at = Date.parse(item.captureTime);
    if (at <= start || at >= end) continue;
    const next = stateOf(item, names);
    if (next.state === current.state && next.text === current.text) continue;
    out.push({ ...current, to: at });
    current = { from: at, to: end, ...next, item };
  }
  out.push(current);
  return out;
}

function windowOf(p: Part, reason: string): PeriodWindow {
  return {
    from: new Date(p.from).toISOString(),
    to: new Date(p.to).toISOString(),
    reason,
    ...(p.item ? { evidence: [p.item.evidence] } : {}),
  };
}

/** When the bucket was created (AWS Config `resourceCreationTime`), and the history pages saying so. */
interface BucketCreation {
  at: string;
  evidence: EvidenceRef[];
}

/** One bucket under one required managed rule, from its compliance history. */
function judgeOne(
  bucket: BucketSnapshot,
  identifier: string,
  names: ReadonlySet<string>,
  history: ResourceComplianceHistory | undefined,
  period: { start: string; end: string },
  created: BucketCreation | undefined,
): PeriodMonitoringResult {
  const resource = { ...bucketResource(bucket), region: bucket.region };
  const base = { checkId: CHECK_ID, resource, brokenWindows: [], unknownWindows: [] };
  const unknown = (cause: PeriodUnknownCause, reason: string, evidence: EvidenceRef[]) =>
    unknownOverPeriod(CHECK_ID, resource, period, cause, reason, evidence);
  if (!history)
    return unknown(
      'no-history',
      `Unknown: the compliance history of the bucket under ${identifier} was not collected.`,
      [],
    );
  const evidence = history.pages;
  const items = history.items;
  if (items.status === 'denied' || items.status === 'error')
    return unknown(
      'read-failed',
      `Unknown: the compliance history of the bucket could not be read (${items.errorCode}).`,
      evidence,
    );
  if (items.status === 'absent' || items.value.length === 0)
    return unknown(
      'no-history',
      `Unknown: AWS Config recorded no compliance history (AWS::Config::ResourceCompliance) for the bucket, so its ${identifier} results over the period are not known.`,
      evidence,
    );
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const ps = parts(items.value, names, start, end);
  const brokenWindows = ps.filter((p) => p.state === 'non-compliant').map((p) => windowOf(p, p.text));
  const unknownWindows = ps.filter((p) => p.state === 'no-result').map((p) => windowOf(p, p.text));
  const rule = `AWS Config rule for ${identifier}`;
  if (brokenWindows.length > 0) {
    const list = windowsWithDurations(brokenWindows);
    return {
      ...base,
      status: 'broken',
      reason: `${rule} reported the bucket NON_COMPLIANT during the period: ${list}.`,
      brokenWindows,
      unknownWindows,
      evidence,
    };
  }
  const createdAt = created ? Date.parse(created.at) : Number.NaN;
  const lead = ps[0];
  if (
    createdAt > start &&
    createdAt < end &&
    lead?.state === 'no-result' &&
    unknownWindows.length === 1 &&
    created
  ) {
    // No result before the bucket existed is no gap in the rule's operation: say why it is unknown.
    return {
      ...base,
      status: 'unknown',
      cause: 'created-during-period',
      reason: `Unknown for the whole period: the bucket was created on ${dateLabel(createdAt)} (AWS Config resourceCreationTime), inside the period; ${rule} has results for it from ${dateLabel(lead.to)} and never reported it NON_COMPLIANT.`,
      unknownWindows,
      evidence: [...evidence, ...created.evidence],
    };
  }
  if (unknownWindows.length > 0) {
    const first = unknownWindows[0];
    return {
      ...base,
      status: 'unknown',
      cause: 'no-history',
      reason: `Unknown: ${rule} has no recorded result for the bucket from ${dateLabel(first?.from ?? period.start)} to ${dateLabel(first?.to ?? period.end)}; it was never NON_COMPLIANT when recorded.`,
      unknownWindows,
      evidence,
    };
  }
  if (ps.every((p) => p.state === 'not-applicable'))
    return {
      ...base,
      status: 'not-applicable',
      reason: `${rule} reported the bucket NOT_APPLICABLE throughout the period.`,
      evidence,
    };
  return {
    ...base,
    status: 'held',
    reason: `${rule} reported the bucket COMPLIANT throughout the period (${items.value.length} compliance record${items.value.length === 1 ? '' : 's'}).`,
    evidence,
  };
}

/**
 * Config rule compliance over the period, per bucket and required managed rule, from the bucket's
 * `AWS::Config::ResourceCompliance` history: each NON_COMPLIANT interval is a broken window.
 * Rules are those the region has today for the identifier (none: nothing to judge, as today).
 */
export function judgeRuleCompliance(
  account: AccountSnapshot,
  required: readonly string[],
  period: { start: string; end: string },
): PeriodMonitoringResult[] {
  const histories = new Map((account.complianceHistory ?? []).map((h) => [h.bucketArn, h]));
  const creations = new Map(
    (account.configHistory ?? []).flatMap((h): [string, BucketCreation][] => {
      const at =
        h.items.status === 'ok'
          ? h.items.value.find((i) => i.resourceCreationTime)?.resourceCreationTime
          : undefined;
      return at ? [[h.bucketArn, { at, evidence: h.pages ?? [] }]] : [];
    }),
  );
  return account.buckets.flatMap((bucket) => {
    const region = account.config.find((c) => c.region === bucket.region);
    if (!region || region.rules.status !== 'ok') return [];
    const rules = region.rules.value;
    return required.flatMap((identifier) => {
      const names = new Set(managedRules(rules, identifier).map((r) => r.name));
      if (names.size === 0) return [];
      return [
        judgeOne(bucket, identifier, names, histories.get(bucket.arn), period, creations.get(bucket.arn)),
      ];
    });
  });
}
