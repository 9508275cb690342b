import type { CheckDefinition } from '../types.ts';
import { cloudTrailResource, toResult, verdict } from '../support.ts';
import { managementCoverage } from './selectors.ts';
import { assessTrails, noQualifyingTrail, trailLabel } from './trails.ts';

const ID = 'cloudtrail.kms-events-logged';

/** `cloudtrail.kms-events-logged`: the logging trail does not exclude KMS management events. */
export const kmsEventsLogged: CheckDefinition = {
  id: ID,
  title: 'CloudTrail records KMS key usage',
  severity: 'high',
  criteria: ['CC7.2'],
  description: 'The multi-region logging trail does not exclude kms.amazonaws.com management events.',
  reads: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
  method:
    'Among the multi-region, logging trails that record read and write management events, passes when one does not exclude kms.amazonaws.com events (ExcludeManagementEventSources or an advanced selector on eventSource); fails when every such trail excludes them; a denied or failed read of a trail is insufficient evidence.',
  evaluate: (ctx) =>
    ctx.snapshot.accounts.map((account) => {
      const a = assessTrails(account);
      if (a.qualifying.length === 0) return toResult(ID, cloudTrailResource(account), noQualifyingTrail(a));
      const logging = a.qualifying.find(
        (t) => t.selectors.status === 'ok' && !managementCoverage(t.selectors.value).kmsExcluded,
      );
      const v = logging
        ? verdict(
            'pass',
            `Trail ${trailLabel(logging, account)} records kms.amazonaws.com management events, the audit trail of key usage.`,
            a.evidence,
          )
        : verdict(
            'fail',
            `Every multi-region logging trail excludes kms.amazonaws.com management events, so there is no audit trail of key usage.`,
            a.evidence,
          );
      return toResult(ID, cloudTrailResource(account), v);
    }),
};
