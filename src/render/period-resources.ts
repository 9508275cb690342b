import { columnsOfPart, population, type Column, type Population } from './columns.ts';
import type { PeriodEvaluation, PeriodResourceResult } from '../period/types.ts';
import { VERDICT_COLUMNS, worstFirst } from './period-populations.ts';

type Check = PeriodResourceResult['checks'][number];

/** Pack path of the verdicts of account Block Public Access, KMS keys and trails over the period. */
export const PERIOD_RESOURCES_CSV = 'inventory/period-resources.csv';

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
  ...columnsOfPart(({ c }: { c: Check }) => c, VERDICT_COLUMNS),
];

/**
 * One row per account Block Public Access, KMS key and trail and each of its period checks:
 * broken first, then unknown, then held.
 */
export function periodResourcePopulation(period: PeriodEvaluation): Population {
  const rows = worstFirst(
    (period.resources ?? []).flatMap((r) => r.checks.map((c) => ({ r, c }))),
    ({ c }) => c.status,
    ({ r, c }) => `${r.accountId}|${r.resourceType}|${r.region}|${r.name}|${c.checkId}`,
  );
  return population(
    {
      path: PERIOD_RESOURCES_CSV,
      title: 'Account Block Public Access, KMS keys and trails over the audit period',
      columns: COLUMNS,
    },
    rows,
  );
}
