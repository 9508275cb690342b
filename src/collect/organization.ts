/**
 * Discovery of the AWS Organization (config `organization: { roleName, … }`): from the management
 * account or a delegated administrator, DescribeOrganization, ListRoots, ListAccounts (`State`),
 * the OU tree (ListOrganizationalUnitsForParent from each root) and each account's path
 * (ListParents, walked up to its root). Decides which accounts are read and why the others are
 * not; the caller then reads them (see `collect.ts`) and reports back whether each role could be
 * assumed. Afterwards the policies that bear on the checks are read for every target on an
 * in-scope account's path (ListPoliciesForTarget, DescribePolicy once per policy) and the
 * effective S3 policy of each read account (DescribeEffectivePolicy).
 */
import {
  DescribeEffectivePolicyCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  ListAccountsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { call, callPages } from '../aws/call.ts';
import type { ClientFactory } from '../aws/client-factory.ts';
import type { OrganizationDiscoveryConfig } from '../config/schema.ts';
import type {
  AccountCoverage,
  NotReadReason,
  OrganizationAccount,
  OrganizationalUnit,
  OrganizationDescription,
  OrganizationPathNode,
  OrganizationPolicy,
  OrganizationPolicyType,
  OrganizationRoot,
  OrganizationSnapshot,
  PolicyTargetListing,
} from '../snapshot/organization.ts';
import { isGap, type Gap, type Outcome } from '../snapshot/outcome.ts';
import { required, requiredList } from './parse.ts';

/** The policy types the pack reads, in the order they are listed. */
export const ORGANIZATION_POLICY_TYPES: readonly OrganizationPolicyType[] = [
  'RESOURCE_CONTROL_POLICY',
  'SERVICE_CONTROL_POLICY',
  'S3_POLICY',
];

/** IAM actions the discovery and policy reads need (in the caller's account only). */
export const ORGANIZATION_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListAccounts',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListParents',
  'organizations:ListPoliciesForTarget',
  'organizations:DescribePolicy',
  'organizations:DescribeEffectivePolicy',
] as const;

/**
 * The caller's account is not in an organization (DescribeOrganization answered
 * `AWSOrganizationsNotInUseException`): organization discovery was asked for but cannot be done.
 */
export class OrganizationNotInUseError extends Error {
  override name = 'OrganizationNotInUseError';
  constructor(
    readonly accountId: string,
    readonly requestId: string | undefined,
  ) {
    super(
      `account ${accountId} is not a member of an AWS Organization (DescribeOrganization answered AWSOrganizationsNotInUseException${requestId ? `, request id ${requestId}` : ''})`,
    );
  }
}

/** The region Organizations is served from in each partition (a global service). */
export function organizationsRegion(partition: string): string {
  if (partition === 'aws-cn') return 'cn-northwest-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return 'us-east-1';
}

/** An account to read through the organization role (or as the caller). */
export interface OrganizationReadTarget {
  accountId: string;
  name: string;
  /** `undefined` for the caller's own account, read directly. */
  roleArn: string | undefined;
}

/** The organization as discovered, before any account was read. */
export interface DiscoveredOrganization {
  /** Coverage of accounts to read is provisional (`read`) until {@link settleCoverage}. */
  snapshot: OrganizationSnapshot;
  /** ACTIVE, in-scope accounts, in account-id order. */
  toRead: OrganizationReadTarget[];
}

interface DiscoverOptions {
  discovery: OrganizationDiscoveryConfig;
  callerAccountId: string;
  partition: string;
  /** `includeCallerAccount: false` keeps the caller's own account out. */
  includeCallerAccount: boolean;
}

const STATE_REASONS: Record<string, NotReadReason> = {
  SUSPENDED: 'suspended',
  PENDING_CLOSURE: 'pending-closure',
  CLOSED: 'closed',
  PENDING_ACTIVATION: 'pending-activation',
};

/** Discover the organization and decide the account population's coverage. */
export async function discoverOrganization(
  factory: ClientFactory,
  opts: DiscoverOptions,
): Promise<DiscoveredOrganization> {
  const region = organizationsRegion(opts.partition);
  const description = await call(factory, 'organizations', region, new DescribeOrganizationCommand({}), (o) =>
    parseDescription(o.Organization),
  );
  if (description.status !== 'ok' && description.status !== 'absent') {
    if (description.errorCode === 'AWSOrganizationsNotInUseException')
      throw new OrganizationNotInUseError(opts.callerAccountId, description.evidence.requestId);
  }
  const roots = await callPages(
    factory,
    'organizations',
    region,
    (NextToken) => new ListRootsCommand({ NextToken }),
    (o) => ({ items: requiredList(o.Roots, 'Roots').map(parseRoot), next: o.NextToken }),
  );
  const listed = await callPages(
    factory,
    'organizations',
    region,
    (NextToken) => new ListAccountsCommand({ NextToken }),
    (o) => ({ items: [...requiredList(o.Accounts, 'Accounts')], next: o.NextToken }),
  );
  const units = roots.status === 'ok' ? await walkUnits(factory, region, roots.value) : [];
  const rootsById = new Map(roots.status === 'ok' ? roots.value.map((r) => [r.id, r]) : []);
  const unitsById = new Map(units.map((u) => [u.id, u]));
  const parentCache = new Map<string, Promise<Outcome<{ id: string; type: string }>>>();

  const accounts: OrganizationAccount[] = [];
  if (listed.status === 'ok') {
    const rows = [...listed.value].sort((a, b) => ((a.Id ?? '') < (b.Id ?? '') ? -1 : 1));
    // Every account's ListParents at once (the account's limiter bounds them): one after another
    // they cost an organization of 200 accounts 200 round trips before any account is read.
    const paths = await Promise.all(
      rows.map((row) => pathOf(factory, region, row.Id ?? '', rootsById, unitsById, parentCache)),
    );
    for (const [i, row] of rows.entries()) {
      const id = row.Id ?? '';
      const path = paths[i] as Awaited<ReturnType<typeof pathOf>>;
      const state = row.State ?? 'UNKNOWN';
      const account: OrganizationAccount = {
        id,
        arn: row.Arn ?? '',
        name: row.Name ?? id,
        email: row.Email,
        state,
        joinedMethod: row.JoinedMethod,
        joinedTimestamp: row.JoinedTimestamp?.toISOString(),
        path,
        coverage: { status: 'read', via: 'caller' },
      };
      account.coverage = coverageFor(account, opts);
      accounts.push(account);
    }
  }
  const toRead = accounts
    .filter((a) => a.coverage.status === 'read')
    .map((a) => ({
      accountId: a.id,
      name: a.name,
      roleArn: a.id === opts.callerAccountId ? undefined : roleArnFor(opts, a.id),
    }));
  return {
    snapshot: {
      description: description.status === 'absent' ? gapOfAbsent(description) : description,
      readFromAccountId: opts.callerAccountId,
      roleName: opts.discovery.roleName,
      accountListing:
        listed.status === 'ok'
          ? { status: 'ok', value: { count: listed.value.length }, evidence: listed.evidence }
          : listed,
      accounts,
      roots,
      organizationalUnits: units,
      policies: [],
      attachments: [],
      effectiveS3Policies: [],
    },
    toRead,
  };
}

function roleArnFor(opts: DiscoverOptions, accountId: string): string {
  return `arn:${opts.partition}:iam::${accountId}:role/${opts.discovery.roleName}`;
}

function gapOfAbsent(o: { errorCode: string; evidence: Gap['evidence'] }): Gap {
  return {
    status: 'error',
    errorCode: o.errorCode,
    message: 'DescribeOrganization answered "not found"',
    evidence: o.evidence,
  };
}

/** Whether the account is read, and if not why: its state, the exclusions, then the OUs. */
function coverageFor(account: OrganizationAccount, opts: DiscoverOptions): AccountCoverage {
  const stateReason = STATE_REASONS[account.state];
  if (stateReason) {
    return {
      status: 'not-read',
      reason: stateReason,
      detail: `State is ${account.state}: the account cannot be signed in to`,
    };
  }
  if (opts.discovery.excludeAccounts.includes(account.id)) {
    return { status: 'not-read', reason: 'excluded', detail: 'listed in organization.excludeAccounts' };
  }
  if (account.id === opts.callerAccountId && !opts.includeCallerAccount) {
    return {
      status: 'not-read',
      reason: 'excluded',
      detail: 'the caller account, and includeCallerAccount is false',
    };
  }
  const ous = opts.discovery.ous;
  if (ous.length > 0) {
    if (account.path.status !== 'ok') {
      const roleArn = roleArnFor(opts, account.id);
      return isGap(account.path)
        ? { status: 'gap', roleArn, gap: account.path }
        : { status: 'gap', roleArn, gap: gapOfAbsent(account.path) };
    }
    const inside = account.path.value.some(
      (n) => n.type === 'ORGANIZATIONAL_UNIT' && (ous.includes(n.id) || ous.includes(n.name)),
    );
    if (!inside) {
      return {
        status: 'not-read',
        reason: 'outside-ous',
        detail: `not under any OU in organization.ous (${ous.join(', ')})`,
      };
    }
  }
  return account.id === opts.callerAccountId
    ? { status: 'read', via: 'caller' }
    : { status: 'read', via: 'role', roleArn: roleArnFor(opts, account.id) };
}

/**
 * Coverage once each account was (or could not be) read: an account whose identity could not be
 * established through the role is a gap with that error and its request id.
 */
export function settleCoverage(
  org: OrganizationSnapshot,
  identities: ReadonlyMap<string, Outcome<unknown>>,
): void {
  for (const account of org.accounts) {
    const c = account.coverage;
    if (c.status !== 'read') continue;
    const identity = identities.get(account.id);
    if (!identity || identity.status === 'ok') continue;
    const gap: Gap = isGap(identity) ? identity : gapOfAbsent(identity);
    account.coverage = { status: 'gap', roleArn: c.roleArn ?? '', gap };
  }
}

function parseDescription(
  o: { Id?: string; Arn?: string; MasterAccountId?: string; FeatureSet?: string } | undefined,
): OrganizationDescription {
  const org = required(o, 'Organization');
  return {
    id: required(org.Id, 'Organization.Id'),
    arn: required(org.Arn, 'Organization.Arn'),
    managementAccountId: required(org.MasterAccountId, 'Organization.MasterAccountId'),
    featureSet: required(org.FeatureSet, 'Organization.FeatureSet'),
  };
}

function parseRoot(r: {
  Id?: string;
  Arn?: string;
  Name?: string;
  PolicyTypes?: { Type?: string; Status?: string }[];
}): OrganizationRoot {
  return {
    id: required(r.Id, 'Roots[].Id'),
    arn: r.Arn ?? '',
    name: r.Name ?? 'Root',
    policyTypes: (r.PolicyTypes ?? []).map((p) => ({ type: p.Type ?? '', status: p.Status ?? '' })),
  };
}

/** Every OU below the roots, breadth first (a parent whose listing fails leaves its subtree out). */
async function walkUnits(
  factory: ClientFactory,
  region: string,
  roots: OrganizationRoot[],
): Promise<OrganizationalUnit[]> {
  const units: OrganizationalUnit[] = [];
  let frontier = roots.map((r) => r.id);
  while (frontier.length > 0) {
    const next: string[] = [];
    const listings = await Promise.all(
      frontier.map(async (parentId) => ({
        parentId,
        listing: await callPages(
          factory,
          'organizations',
          region,
          (NextToken) => new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken }),
          (o) => ({
            items: [...requiredList(o.OrganizationalUnits, 'OrganizationalUnits')],
            next: o.NextToken,
          }),
        ),
      })),
    );
    for (const { parentId, listing } of listings) {
      if (listing.status !== 'ok') continue;
      for (const ou of listing.value) {
        if (!ou.Id) continue;
        units.push({ id: ou.Id, arn: ou.Arn ?? '', name: ou.Name ?? ou.Id, parentId });
        next.push(ou.Id);
      }
    }
    frontier = next;
  }
  return units.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** ListParents from the account up to its root; OUs already known from the tree are not asked again. */
async function pathOf(
  factory: ClientFactory,
  region: string,
  accountId: string,
  roots: ReadonlyMap<string, OrganizationRoot>,
  units: ReadonlyMap<string, OrganizationalUnit>,
  cache: Map<string, Promise<Outcome<{ id: string; type: string }>>>,
): Promise<Outcome<OrganizationPathNode[]>> {
  const parentOf = (childId: string) => {
    let p = cache.get(childId);
    if (!p) {
      p = call(factory, 'organizations', region, new ListParentsCommand({ ChildId: childId }), (o) => {
        const parent = required(requiredList(o.Parents, 'Parents')[0], 'Parents[0]');
        return { id: required(parent.Id, 'Parents[0].Id'), type: required(parent.Type, 'Parents[0].Type') };
      });
      cache.set(childId, p);
    }
    return p;
  };
  const first = await parentOf(accountId);
  if (first.status !== 'ok') return first;
  const nodes: OrganizationPathNode[] = [];
  let current: { id: string; type: string } = first.value;
  for (let depth = 0; depth < 10; depth++) {
    if (current.type === 'ROOT') {
      nodes.unshift({ id: current.id, type: 'ROOT', name: roots.get(current.id)?.name ?? 'Root' });
      return { status: 'ok', value: nodes, evidence: first.evidence };
    }
    const unit = units.get(current.id);
    nodes.unshift({ id: current.id, type: 'ORGANIZATIONAL_UNIT', name: unit?.name ?? current.id });
    if (unit) {
      current = { id: unit.parentId, type: roots.has(unit.parentId) ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
      continue;
    }
    const up = await parentOf(current.id);
    if (up.status !== 'ok') return up;
    current = up.value;
  }
  return {
    status: 'error',
    errorCode: 'PathTooDeep',
    message: `ListParents from ${accountId} did not reach a root`,
    evidence: first.evidence,
  };
}

/**
 * Read the policies in force for the in-scope accounts: ListPoliciesForTarget for each target on
 * their paths and each policy type enabled on the root (a type not enabled is not a gap: nothing of
 * it can be in force), DescribePolicy once per distinct policy, and DescribeEffectivePolicy
 * (`S3_POLICY`) for each account that was read.
 */
export async function collectOrganizationPolicies(
  factory: ClientFactory,
  partition: string,
  org: OrganizationSnapshot,
): Promise<void> {
  const region = organizationsRegion(partition);
  const inScope = org.accounts.filter((a) => a.coverage.status === 'read' || a.coverage.status === 'gap');
  const types = enabledTypes(org);
  const targets = new Map<string, PolicyTargetListing['targetType']>();
  for (const account of inScope) {
    if (account.path.status === 'ok') for (const n of account.path.value) targets.set(n.id, n.type);
    targets.set(account.id, 'ACCOUNT');
  }
  const listings: PolicyTargetListing[] = await Promise.all(
    [...targets].flatMap(([targetId, targetType]) =>
      types.map(async (policyType): Promise<PolicyTargetListing> => ({
        targetId,
        targetType,
        policyType,
        result: await listPolicies(factory, region, targetId, policyType),
      })),
    ),
  );
  const ids = [
    ...new Set(listings.flatMap((l) => (l.result.status === 'ok' ? l.result.value.policyIds : []))),
  ].sort();
  const described = await Promise.all(
    ids.map(async (id) => [id, await describePolicy(factory, region, id)] as const),
  );
  const failed = new Map(described.flatMap(([id, d]) => (d.status === 'ok' ? [] : [[id, d] as const])));
  // A listing naming a policy whose document could not be read is itself incomplete: it carries
  // that gap, so no reader mistakes the policies it knows for all that are in force.
  org.attachments = listings.map((l) => {
    const missing =
      l.result.status === 'ok' ? l.result.value.policyIds.find((id) => failed.has(id)) : undefined;
    const gap = missing === undefined ? undefined : failed.get(missing);
    return gap ? { ...l, result: gap } : l;
  });
  org.policies = described.flatMap(([, d]) => (d.status === 'ok' ? [d.value] : []));
  const read = org.accounts.filter((a) => a.coverage.status === 'read');
  org.effectiveS3Policies = types.includes('S3_POLICY')
    ? await Promise.all(
        read.map(async (a) => ({
          accountId: a.id,
          result: await call(
            factory,
            'organizations',
            region,
            new DescribeEffectivePolicyCommand({ PolicyType: 'S3_POLICY', TargetId: a.id }),
            (o) => ({ content: required(o.EffectivePolicy?.PolicyContent, 'EffectivePolicy.PolicyContent') }),
          ),
        })),
      )
    : [];
}

/** The pack's policy types enabled on the root; all of them when the roots could not be read. */
function enabledTypes(org: OrganizationSnapshot): OrganizationPolicyType[] {
  if (org.roots.status !== 'ok') return [...ORGANIZATION_POLICY_TYPES];
  const enabled = new Set(
    org.roots.value.flatMap((r) => r.policyTypes.filter((p) => p.status === 'ENABLED').map((p) => p.type)),
  );
  return ORGANIZATION_POLICY_TYPES.filter((t) => enabled.has(t));
}

async function listPolicies(
  factory: ClientFactory,
  region: string,
  targetId: string,
  policyType: OrganizationPolicyType,
): Promise<Outcome<{ policyIds: string[] }>> {
  const listed = await callPages(
    factory,
    'organizations',
    region,
    (NextToken) => new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: policyType, NextToken }),
    (o) => ({
      items: requiredList(o.Policies, 'Policies').map((p) => required(p.Id, 'Policies[].Id')),
      next: o.NextToken,
    }),
  );
  return listed.status === 'ok'
    ? { status: 'ok', value: { policyIds: listed.value }, evidence: listed.evidence }
    : listed;
}

async function describePolicy(
  factory: ClientFactory,
  region: string,
  id: string,
): Promise<{ status: 'ok'; value: OrganizationPolicy } | Gap> {
  const out = await call(
    factory,
    'organizations',
    region,
    new DescribePolicyCommand({ PolicyId: id }),
    (o) => {
      const summary = required(o.Policy?.PolicySummary, 'Policy.PolicySummary');
      return {
        id: required(summary.Id, 'Policy.PolicySummary.Id'),
        arn: summary.Arn ?? '',
        name: summary.Name ?? id,
        type: required(summary.Type, 'Policy.PolicySummary.Type') as OrganizationPolicyType,
        awsManaged: summary.AwsManaged === true,
        description: summary.Description,
        content: required(o.Policy?.Content, 'Policy.Content'),
      };
    },
  );
  if (out.status === 'ok') return { status: 'ok', value: { ...out.value, evidence: out.evidence } };
  return isGap(out) ? out : gapOfAbsent(out);
}
