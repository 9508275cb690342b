import type { CheckDefinition } from '../types.ts';
import { cloudTrailResource, toResult, verdict } from '../support.ts';
import { assessTrails, noQualifyingTrail, trailLabel } from './trails.ts';

const ID = 'cloudtrail.log-file-validation';

/** `cloudtrail.log-file-validation`: the logging trail has log file integrity validation on. */
export const logFileValidation: CheckDefinition = {
  id: ID,
  title: 'CloudTrail log file validation is enabled',
  severity: 'medium',
  criteria: ['CC7.2'],
  description: 'The multi-region logging trail has log file validation enabled.',
  reads: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  method:
    'Among the multi-region, logging trails that record read and write management events, passes when one has LogFileValidationEnabled true; fails otherwise; a denied or failed read is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.map((account) => {
      const a = assessTrails(account);
      if (a.qualifying.length === 0) return toResult(ID, cloudTrailResource(account), noQualifyingTrail(a));
      const t = a.qualifying.find((q) => q.logFileValidationEnabled);
      const names = a.qualifying.map((q) => trailLabel(q, account)).join(', ');
      const v = t
        ? verdict('pass', `Trail ${trailLabel(t, account)} has log file validation enabled.`, a.evidence)
        : verdict(
            'fail',
            `Log file validation is disabled on the multi-region logging trail ${names}.`,
            a.evidence,
          );
      return toResult(ID, cloudTrailResource(account), v);
    }),
};
