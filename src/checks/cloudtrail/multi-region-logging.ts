import type { CheckDefinition } from '../types.ts';
import { cloudTrailResource, toResult, verdict } from '../support.ts';
import { assessTrails, noQualifyingTrail, trailLabel } from './trails.ts';

const ID = 'cloudtrail.multi-region-logging';

/** `cloudtrail.multi-region-logging`: a multi-region trail logs read and write management events. */
export const multiRegionLogging: CheckDefinition = {
  id: ID,
  title: 'A multi-region CloudTrail trail is logging',
  severity: 'high',
  criteria: ['CC7.2'],
  description: 'At least one trail is multi-region, logging, and records read and write management events.',
  reads: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  method:
    'Passes when a trail has IsMultiRegionTrail true, GetTrailStatus IsLogging true, and selectors that record both read and write management events; an organization trail of the management account, which the account sees through DescribeTrails with shadow trails, counts and is cited with its home account and region; fails when no trail does; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.map((account) => {
      const a = assessTrails(account);
      const names = a.qualifying.map((t) => trailLabel(t, account)).join(', ');
      const v = a.qualifying.length
        ? verdict(
            'pass',
            `Trail ${names} is multi-region, logging, and records read and write management events.`,
            a.evidence,
          )
        : noQualifyingTrail(a);
      return toResult(ID, cloudTrailResource(account), v);
    }),
};
