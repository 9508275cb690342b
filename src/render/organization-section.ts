/**
 * The report's "Organization" section (present when the organization was discovered): how the
 * account population reconciles (accounts in the organization = read + not read + gaps), the OU
 * tree with account counts, every account with its coverage, and the organization policies that
 * bear on the checks (resource control policies, service control policies, S3 policies) with
 * where each is attached.
 */
import type { OrganizationPolicy, OrganizationSnapshot } from '../snapshot/organization.ts';
import { describeGap } from '../snapshot/outcome.ts';
import { bpaAssignment } from '../checks/s3/org-s3-policy.ts';
import { gapText, text } from './cells.ts';
import { accountPopulation, ACCOUNTS_CSV } from './organization-populations.ts';
import { population, type Column, type Population } from './columns.ts';
import type { Cell, Table } from './report-model.ts';

/** The section's model. */
export interface OrganizationSection {
  /** `o-… (management account 1111…), read from 1111…`, or why the organization is not known. */
  identity: string;
  /** `7 accounts in the organization: 5 read, 1 not read, 1 gap.` */
  reconciliation: string;
  /** Set when the account list itself could not be read (the population is unknown). */
  listingGap?: string | undefined;
  ouTree: Table;
  accounts: Table;
  policies: Table;
}

const TYPE_LABELS: Record<OrganizationPolicy['type'], string> = {
  RESOURCE_CONTROL_POLICY: 'RCP',
  SERVICE_CONTROL_POLICY: 'SCP',
  S3_POLICY: 'S3 policy',
};

type TableOf = (p: Population, id: string, max: number, emptyNote: string) => Table;

/** Build the section; `table` is the report's population-to-table function (capping, widths). */
export function organizationSection(
  org: OrganizationSnapshot,
  max: number,
  table: TableOf,
): OrganizationSection {
  const read = org.accounts.filter((a) => a.coverage.status === 'read').length;
  const notRead = org.accounts.filter((a) => a.coverage.status === 'not-read').length;
  const gaps = org.accounts.filter((a) => a.coverage.status === 'gap').length;
  const d = org.description;
  const identity =
    d.status === 'ok'
      ? `${d.value.id} (management account ${d.value.managementAccountId}, feature set ${d.value.featureSet}), read from account ${org.readFromAccountId}; member accounts through role ${org.roleName}`
      : `read from account ${org.readFromAccountId}; DescribeOrganization: ${d.status === 'absent' ? d.errorCode : describeGap(d)}`;
  return {
    identity,
    reconciliation: `${org.accounts.length} account${org.accounts.length === 1 ? '' : 's'} in the organization: ${read} read, ${notRead} not read, ${gaps} gap${gaps === 1 ? '' : 's'} (every account is listed below and in ${ACCOUNTS_CSV}).`,
    ...(org.accountListing.status === 'denied' || org.accountListing.status === 'error'
      ? {
          listingGap: `The account list could not be read (${describeGap(org.accountListing)}): the population is unknown.`,
        }
      : {}),
    ouTree: table(ouTreePopulation(org), 'org-units', max, 'No roots or OUs were read.'),
    accounts: table(accountPopulation(org), 'org-accounts', max, 'ListAccounts returned no accounts.'),
    policies: table(
      policyPopulation(org),
      'org-policies',
      max,
      'No RCP, SCP or S3 policy is attached on the paths of the accounts in scope.',
    ),
  };
}

/** A root or OU with its account counts, or the gap that kept the roots unknown. */
interface UnitRow {
  unit: Cell;
  kind: 'root' | 'OU';
  id?: string;
  direct?: number;
  total?: number;
  read?: number;
}

const UNIT_COLUMNS: readonly Column<UnitRow>[] = [
  { id: 'unit', header: 'Root / OU', weight: 2, cell: (r) => r.unit },
  { id: 'kind', header: 'Kind', weight: 0.6, cell: (r) => text(r.kind) },
  { id: 'id', header: 'Id', weight: 1.6, cell: (r) => text(r.id, 'mono') },
  { id: 'accounts_direct', header: 'Accounts in it', weight: 0.8, cell: (r) => text(r.direct) },
  { id: 'accounts_total', header: 'Accounts below', weight: 0.8, cell: (r) => text(r.total) },
  { id: 'accounts_read', header: 'Read', weight: 0.6, cell: (r) => text(r.read) },
];

/** Root and OUs, depth first, each with the accounts directly in it and in its whole subtree. */
function ouTreePopulation(org: OrganizationSnapshot): Population {
  const rows: UnitRow[] = [];
  const direct = new Map<string, string[]>();
  for (const a of org.accounts) {
    if (a.path.status !== 'ok') continue;
    const parent = a.path.value.at(-1)?.id;
    if (parent) direct.set(parent, [...(direct.get(parent) ?? []), a.id]);
  }
  const childrenOf = (id: string) =>
    org.organizationalUnits.filter((u) => u.parentId === id).sort((a, b) => (a.name < b.name ? -1 : 1));
  const subtree = (id: string): string[] => [
    ...(direct.get(id) ?? []),
    ...childrenOf(id).flatMap((u) => subtree(u.id)),
  ];
  const readIn = (ids: string[]) =>
    ids.filter((id) => org.accounts.find((a) => a.id === id)?.coverage.status === 'read').length;
  const visit = (id: string, name: string, depth: number, kind: UnitRow['kind']) => {
    const all = subtree(id);
    rows.push({
      unit: text(
        `${'\u00a0\u00a0\u00a0'.repeat(Math.max(0, depth - 1))}${depth > 0 ? '└\u00a0' : ''}${name}`,
      ),
      kind,
      id,
      direct: (direct.get(id) ?? []).length,
      total: all.length,
      read: readIn(all),
    });
    for (const u of childrenOf(id)) visit(u.id, u.name, depth + 1, 'OU');
  };
  if (org.roots.status === 'ok') for (const r of org.roots.value) visit(r.id, r.name, 0, 'root');
  else
    rows.push({
      unit: {
        text: org.roots.status === 'absent' ? `GAP: ${org.roots.errorCode}` : gapText(org.roots),
        tone: 'gap',
      },
      kind: 'root',
    });
  return population({ path: ACCOUNTS_CSV, title: 'Organizational units', columns: UNIT_COLUMNS }, rows);
}

/** What an S3 policy's Block Public Access assignment does, in words, before its document. */
function s3PolicyGist(p: OrganizationPolicy): string | undefined {
  const value = bpaAssignment(p.content);
  if (value === 'all')
    return `Block Public Access "all": all four settings on in every account it covers, which cannot loosen them\n${p.content}`;
  if (value === 'none')
    return `Block Public Access "none": all four settings off in every account it covers (below an "all", an exemption from it)\n${p.content}`;
  return undefined;
}

/** `Sid Deny s3:* if aws:SecureTransport false`, in a line per statement (or the document, short). */
function policyGist(p: OrganizationPolicy): string {
  if (p.type === 'S3_POLICY') {
    const gist = s3PolicyGist(p);
    if (gist) return gist;
  }
  try {
    const doc = JSON.parse(p.content) as { Statement?: unknown };
    const statements = Array.isArray(doc.Statement)
      ? doc.Statement
      : doc.Statement
        ? [doc.Statement]
        : undefined;
    if (!statements) return p.content.length > 160 ? `${p.content.slice(0, 157)}...` : p.content;
    return (statements as Record<string, unknown>[])
      .map((s) => {
        const action = Array.isArray(s['Action'])
          ? (s['Action'] as string[]).join(', ')
          : String(s['Action'] ?? s['NotAction'] ?? '');
        const condition = s['Condition'] ? ` if ${JSON.stringify(s['Condition'])}` : '';
        return `${typeof s['Sid'] === 'string' ? `${s['Sid']}: ` : ''}${String(s['Effect'])} ${action}${condition}`;
      })
      .join('\n');
  } catch {
    return p.content.slice(0, 160);
  }
}

/** A policy with where it is attached, or a target whose attached policies could not be listed. */
interface PolicyRow {
  type: OrganizationPolicy['type'];
  name: Cell;
  id?: string;
  managedBy?: string;
  attachedTo: string;
  says: string;
}

const POLICY_COLUMNS: readonly Column<PolicyRow>[] = [
  { id: 'type', header: 'Type', weight: 0.6, cell: (r) => text(TYPE_LABELS[r.type]) },
  { id: 'name', header: 'Policy', weight: 1.2, cell: (r) => r.name },
  { id: 'id', header: 'Id', weight: 1.1, cell: (r) => text(r.id, 'mono') },
  { id: 'managed', header: 'Managed by', weight: 0.8, cell: (r) => text(r.managedBy) },
  { id: 'attached_to', header: 'Attached to', weight: 2.2, cell: (r) => text(r.attachedTo) },
  { id: 'statements', header: 'What it says', weight: 3, cell: (r) => text(r.says) },
];

/** Each policy on an in-scope path, with every target it is attached to; gaps in the listings too. */
function policyPopulation(org: OrganizationSnapshot): Population {
  const names = new Map<string, string>([
    ...(org.roots.status === 'ok' ? org.roots.value.map((r) => [r.id, `root ${r.name}`] as const) : []),
    ...org.organizationalUnits.map((u) => [u.id, `OU ${u.name}`] as const),
    ...org.accounts.map((a) => [a.id, `account ${a.name} (${a.id})`] as const),
  ]);
  const rows: PolicyRow[] = [];
  const order = (p: OrganizationPolicy) => `${p.awsManaged ? 1 : 0}${p.type}${p.name}`;
  for (const p of [...org.policies].sort((a, b) => (order(a) < order(b) ? -1 : 1))) {
    const targets = org.attachments
      .filter((l) => l.result.status === 'ok' && l.result.value.policyIds.includes(p.id))
      .map((l) => names.get(l.targetId) ?? l.targetId);
    rows.push({
      type: p.type,
      name: text(p.name),
      id: p.id,
      managedBy: p.awsManaged ? 'AWS managed' : 'customer',
      attachedTo:
        targets.length > 6
          ? `${targets.slice(0, 6).join(', ')} and ${targets.length - 6} more`
          : targets.join(', '),
      says: policyGist(p),
    });
  }
  for (const l of org.attachments) {
    if (l.result.status !== 'denied' && l.result.status !== 'error') continue;
    rows.unshift({
      type: l.policyType,
      name: { text: gapText(l.result), tone: 'gap' },
      attachedTo: names.get(l.targetId) ?? l.targetId,
      says: 'the policies attached here are unknown',
    });
  }
  return population({ path: ACCOUNTS_CSV, title: 'Organization policies', columns: POLICY_COLUMNS }, rows);
}
