import { population, type Column, type Population } from './columns.ts';
import type { PeriodEvaluation, PeriodResourceResult } from '../period/types.ts';
import { RANK, STATUS_TEXT, STATUS_TONE, windowText } from './period-populations.ts';

type Check = PeriodResourceResult['checks'][number];

const KIND: Record<PeriodResourceResult['resourceType'], string> = {
  'AWS::S3::AccountPublicAccessBlock': 'Account Block Public Access',
  'AWS::KMS::Key': 'KMS key',
  'AWS::CloudTrail::Trail': 'Trail',
};

const COLUMNS: readonly Column<{ r: PeriodResourceResult; c: Check }>[] = [
  { id: 'resource_type', header: 'Resource', cell: ({ r }) => ({ text: KIND[r.resourceType] }) },
  { id: 'name', header: 'Name', cell: ({ r }) => ({ text: r.name }) },
  { id: 'account_id', header: 'Account', cell: ({ r }) => ({ text: r.accountId, tone: 'mono' }) },
  { id: 'region', header: 'Region', cell: ({ r }) => ({ text: r.region }) },
  { id: 'check_id', header: 'Check', cell: ({ c }) => ({ text: c.checkId, tone: 'mono' }) },
  {
    id: 'period_status',
    header: 'Over the period',
    cell: ({ c }) => ({ text: STATUS_TEXT[c.status], tone: STATUS_TONE[c.status] }),
  },
  {
    id: 'broken_windows',
    header: 'Broken (from, to)',
    cell: ({ c }) => ({ text: c.brokenWindows.map(windowText).join(' | ') || 'none' }),
  },
  { id: 'reason', header: 'Reason', cell: ({ c }) => ({ text: c.reason }) },
];

/**
 * One row per account Block Public Access, KMS key and trail and each of its period checks:
 * broken first, then unknown, then held.
 */
export function periodResourcePopulation(period: PeriodEvaluation): Population {
  const rows = (period.resources ?? []).flatMap((r) =>
    r.checks.map((c) => ({
      r,
      c,
      rank: RANK[c.status],
      key: `${r.accountId}|${r.resourceType}|${r.region}|${r.name}|${c.checkId}`,
    })),
  );
  rows.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return population(
    {
      path: 'findings/findings.json',
      title: 'Account Block Public Access, KMS keys and trails over the audit period',
      columns: COLUMNS,
    },
    rows,
  );
}
