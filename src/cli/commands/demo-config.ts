import { addDays, format, subDays } from 'date-fns';
import type { UserConfig } from '../../config/schema.ts';
import { DEMO_PERIOD, DEMO_ROLE_ARN, DEMO_SIGNING_KEY } from '../../sandbox/scenarios/demo.ts';
import { DEMO_ORG_ROLE } from '../../sandbox/scenarios/demo-organization.ts';

const day = (offset: number, now: Date) => format(addDays(now, offset), 'yyyy-MM-dd');

/**
 * The configuration `evidence-pack demo` uses unless `--config` is given. Exception expiry dates are
 * relative to today, so the demo shows a valid and an expired exception whenever it runs; the audit
 * period is the 90 days ending a week ago, over which the demo's Config history and CloudTrail events
 * show a week-long public exposure, a bucket created mid-period and a change made after the period.
 */
export function demoConfig(now = new Date()): UserConfig {
  return {
    // Every account of the demo organization is discovered and read through the organization role;
    // globex-subsidiary is also listed by its own role (read once, through the organization role).
    organization: { name: 'Acme Corp (demo)', roleName: DEMO_ORG_ROLE },
    accounts: [{ name: 'globex-subsidiary', roleArn: DEMO_ROLE_ARN }],
    additionalRegions: [],
    classification: {
      default: 'sensitive',
      rules: [
        { name: 'tag data-class=public', level: 'standard', tag: { key: 'data-class', values: ['public'] } },
        { name: 'log buckets (*-logs)', level: 'standard', namePattern: '*-logs' },
      ],
    },
    exceptions: [
      {
        bucket: 'acme-public-website',
        checks: ['s3.not-public', 's3.bucket-public-access-block'],
        justification: 'Static marketing website served to the public by design; holds no customer data.',
        approvedBy: 'Dana Whitfield (CISO)',
        ticket: 'SEC-1042',
        expires: day(120, now),
      },
      {
        bucket: 'acme-legacy-uploads',
        checks: ['s3.not-public'],
        justification: 'Legacy partner upload flow, to be migrated.',
        approvedBy: 'Dana Whitfield (CISO)',
        ticket: 'SEC-877',
        expires: day(-30, now),
      },
      {
        bucket: 'acme-eu-marketing-assets',
        checks: ['s3.bucket-public-access-block'],
        justification:
          'Assets shared with agencies through authenticated-read ACL (neutralized by IgnorePublicAcls).',
        approvedBy: '',
        expires: day(60, now),
      },
    ],
    // Expired: acme-eu-partner-exchange's grant to this account fails s3.no-external-access again.
    trustedAccounts: [
      {
        accountId: '999988887777',
        justification: 'Partner reads the exchange bucket for order reconciliation.',
        approvedBy: 'Dana Whitfield (CISO)',
        expires: day(-10, now),
      },
    ],
    sign: { kmsKeyId: DEMO_SIGNING_KEY },
    // Read the latest S3 Inventory report of acme-payments-archive (see DEMO_INVENTORY).
    collection: { objectInventory: true },
    // The demo scenario records AWS Config history from 100 days back (see buildDemoQuarter).
    period: {
      start: subDays(now, DEMO_PERIOD.startDaysAgo).toISOString(),
      end: subDays(now, DEMO_PERIOD.endDaysAgo).toISOString(),
    },
    output: { dir: 'output' },
  };
}
