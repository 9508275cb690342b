import type { AccountSnapshot, ManagementEvent, ResourceConfigHistory } from '../snapshot/model.ts';
import { judgeAccountBpaOverPeriod } from './account-bpa.ts';
import type { EventIndex } from './events.ts';
import { judgeKeyOverPeriod } from './kms-keys.ts';
import { judgeTrailOverPeriod } from './trail-config.ts';
import type { PeriodResourceResult } from './types.ts';

/** The write management events of `region`, oldest first. */
function regionEvents(account: AccountSnapshot, region: string): ManagementEvent[] {
  const r = (account.managementEvents ?? []).find((m) => m.region === region);
  if (!r || r.events.status !== 'ok') return [];
  return [...r.events.value].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
}

function judgeOne(
  h: ResourceConfigHistory,
  account: AccountSnapshot,
  period: { start: string; end: string },
  events: EventIndex,
): PeriodResourceResult {
  const recorder = account.config.find((c) => c.region === h.region);
  switch (h.resourceType) {
    case 'AWS::S3::AccountPublicAccessBlock':
      return judgeAccountBpaOverPeriod(h, period, recorder, regionEvents(account, h.region));
    case 'AWS::KMS::Key':
      return judgeKeyOverPeriod(h, period, recorder, events);
    case 'AWS::CloudTrail::Trail':
      return judgeTrailOverPeriod(h, period, recorder, events);
  }
}

/**
 * Every account Block Public Access, KMS key and trail of the account whose Config history was
 * collected, judged over the period (none left out: without history each is `unknown` with why).
 */
export function judgeResourcesOverPeriod(
  account: AccountSnapshot,
  period: { start: string; end: string },
  events: EventIndex,
): PeriodResourceResult[] {
  return (account.resourceHistory ?? []).map((h) => judgeOne(h, account, period, events));
}
