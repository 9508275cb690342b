/**
 * The organization's account population (`inventory/accounts.csv`): one row per account
 * ListAccounts returned, with its state, OU path and whether the run read it — and if not, why —
 * so that accounts in the organization = read + not read + gaps, account by account.
 */
import type { OrganizationAccount, OrganizationSnapshot } from '../snapshot/organization.ts';
import { describeGap } from '../snapshot/outcome.ts';
import { orgBlockPublicAccess, s3PolicyBrief, s3PolicyProse } from '../checks/s3/org-s3-policy.ts';
import { gapText, text } from './cells.ts';
import { population, type Column, type Population } from './columns.ts';
import type { Cell } from './report-model.ts';

/** Pack path of the organization's account list. */
export const ACCOUNTS_CSV = 'inventory/accounts.csv';

/** `Root / Workloads / Prod`, or the gap that kept the path unknown. */
export function ouPathText(account: OrganizationAccount): Cell {
  if (account.path.status === 'ok') return text(account.path.value.map((n) => n.name).join(' / '));
  if (account.path.status === 'absent') return text(`unknown (${account.path.errorCode})`, 'gap');
  return { text: gapText(account.path), tone: 'gap' };
}

/** `read`, `not read` or `gap`. */
export function coverageLabel(account: OrganizationAccount): Cell {
  const c = account.coverage;
  if (c.status === 'read') return { text: 'read', tone: 'good' };
  if (c.status === 'not-read') return { text: 'not read', tone: 'muted' };
  return { text: 'gap', tone: 'gap' };
}

/** Why: how it was read, why not, or the error that stopped it. */
export function coverageReason(account: OrganizationAccount): string {
  const c = account.coverage;
  if (c.status === 'read')
    return c.via === 'caller' ? 'the caller account, read directly' : `through ${c.roleArn ?? 'the role'}`;
  if (c.status === 'not-read') return `${c.reason}: ${c.detail}`;
  return `role ${c.roleArn} could not be assumed: ${describeGap(c.gap)}`;
}

function requestIdOf(account: OrganizationAccount): string | undefined {
  return account.coverage.status === 'gap' ? account.coverage.gap.evidence.requestId : undefined;
}

const ORDER = { gap: 0, 'not-read': 1, read: 2 } as const;

/**
 * The organization S3 policy's Block Public Access for a read account: the effective value in the
 * report (`"none" (account, overrides root "all")`), and in the CSV also the policies, by id and
 * attachment, so an exemption from an organization-wide policy is visible account by account.
 */
function s3PolicyColumns(org: OrganizationSnapshot): Column<OrganizationAccount>[] {
  return [
    {
      id: 's3_policy_bpa',
      header: 'S3 policy BPA',
      weight: 1.1,
      cell: (a) => {
        if (a.coverage.status !== 'read') return text('not read', 'muted');
        const effective = org.effectiveS3Policies.find((e) => e.accountId === a.id)?.result;
        if (effective?.status === 'denied' || effective?.status === 'error')
          return { text: gapText(effective), tone: 'gap' };
        const bpa = orgBlockPublicAccess(org, a.id);
        if (bpa.kind !== 'set') return text('not set', 'muted');
        return text(s3PolicyBrief(bpa), bpa.setting === 'none' ? 'warn' : undefined);
      },
    },
    {
      id: 's3_policy_bpa_source',
      cell: (a) => {
        const bpa = orgBlockPublicAccess(org, a.id);
        return text(bpa.kind === 'set' ? s3PolicyProse(bpa) : undefined);
      },
    },
  ];
}

const ACCOUNT_COLUMNS: readonly Column<OrganizationAccount>[] = [
  { id: 'account_id', header: 'Account', weight: 1, cell: (a) => text(a.id, 'mono') },
  { id: 'name', header: 'Name', weight: 1.1, cell: (a) => text(a.name) },
  { id: 'email', cell: (a) => text(a.email) },
  {
    id: 'state',
    header: 'State',
    weight: 0.8,
    cell: (a) => text(a.state, a.state === 'ACTIVE' ? undefined : 'warn'),
  },
  { id: 'ou_path', header: 'OU path', weight: 1.6, cell: ouPathText },
  { id: 'coverage', header: 'Read', weight: 0.6, cell: coverageLabel },
  { id: 'reason', header: 'Reason', weight: 2.6, cell: (a) => text(coverageReason(a)) },
  { id: 'request_id', cell: (a) => text(requestIdOf(a), 'mono') },
  { id: 'joined_method', cell: (a) => text(a.joinedMethod) },
];

/** The organization's accounts, gaps first, then not read, then read; by account id within each. */
export function accountPopulation(org: OrganizationSnapshot): Population {
  const accounts = [...org.accounts].sort(
    (a, b) => ORDER[a.coverage.status] - ORDER[b.coverage.status] || (a.id < b.id ? -1 : 1),
  );
  return population(
    {
      path: ACCOUNTS_CSV,
      title: 'Organization accounts',
      columns: [...ACCOUNT_COLUMNS, ...s3PolicyColumns(org)],
    },
    accounts,
  );
}
