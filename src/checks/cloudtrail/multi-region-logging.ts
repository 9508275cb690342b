import type { CheckDefinition } from '../types.ts';
import { cloudTrailResource, toResult, verdict } from '../support.ts';
import { assessTrails, noQualifyingTrail } from './trails.ts';

const ID = 'cloudtrail.multi-region-logging';

/** `cloudtrail.multi-region-logging`: a multi-region trail logs read and write management events. */
export const multiRegionLogging: CheckDefinition = {
  id: ID,
  title: 'A multi-region CloudTrail trail is logging',
  severity: 'high',
  description: 'At least one trail is multi-region, logging, and records read and write management events.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.map((account) => {
      const a = assessTrails(account);
      const names = a.qualifying.map((t) => `"${t.name}"`).join(', ');
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
