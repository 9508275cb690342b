/**
 * The sandbox's AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128.<Operation>`, endpoint
 * organizations.us-east-1.amazonaws.com). One organization per sandbox: the account that calls
 * CreateOrganization is its management account. Who may call what follows AWS: an account outside
 * the organization gets `AWSOrganizationsNotInUseException`; a member that is neither the
 * management account nor a delegated administrator gets `AccessDeniedException` for the listing
 * and describing operations; only the management account changes the organization. Every list
 * operation pages with `NextToken` / `MaxResults` (1–20). Enabling SCPs or RCPs attaches the AWS
 * managed full-access policy to every root, OU and account, as AWS does.
 */
import { effectivePolicy } from '../organizations/effective.ts';
import {
  arns,
  createAccountRequestId,
  newAccountId,
  organizationalUnitId,
  organizationId,
  policyId,
  rootId,
} from '../organizations/ids.ts';
import { accountStateAt, pathOf } from '../organizations/model.ts';
import type {
  SandboxAccountState,
  SandboxOrgAccount,
  SandboxOrganization,
  SandboxOrgPolicy,
  SandboxPolicyType,
} from '../organizations/model.ts';
import { SandboxError } from '../types.ts';
import type { JsonRequest, JsonService } from '../types.ts';

/** The role CreateAccount makes in a new account unless `RoleName` says otherwise. */
export const ORGANIZATION_ACCESS_ROLE = 'OrganizationAccountAccessRole';

const POLICY_TYPES: SandboxPolicyType[] = [
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'S3_POLICY',
  'TAG_POLICY',
  'BACKUP_POLICY',
  'AISERVICES_OPT_OUT_POLICY',
];
/** Authorization policies: DescribeEffectivePolicy does not apply to them. */
const AUTHORIZATION_TYPES = new Set<SandboxPolicyType>(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']);
/** The AWS managed policy attached everywhere when the type is enabled. */
const FULL_ACCESS: Partial<Record<SandboxPolicyType, { id: string; name: string; description: string }>> = {
  SERVICE_CONTROL_POLICY: {
    id: 'p-FullAWSAccess',
    name: 'FullAWSAccess',
    description: 'Allows access to every operation',
  },
  RESOURCE_CONTROL_POLICY: {
    id: 'p-RCPFullAWSAccess',
    name: 'RCPFullAWSAccess',
    description: 'Allows access to every resource',
  },
};
const FULL_ACCESS_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
const RCP_FULL_ACCESS_CONTENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
});
const MAX_OU_DEPTH = 5;
const PAGE_MAX = 20;

function error(code: string, message: string, reason?: string): SandboxError {
  return new SandboxError(code, message, 400, {}, reason ? { Reason: reason } : {});
}

function invalidInput(reason: string, message: string): SandboxError {
  return error('InvalidInputException', message, reason);
}

function str(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  return typeof value === 'string' ? value : undefined;
}

function required(input: Record<string, unknown>, field: string): string {
  const value = str(input, field);
  if (value === undefined || value === '')
    throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${field}.`);
  return value;
}

// --- Who may call -----------------------------------------------------------------------------

function memberOrg(req: JsonRequest): SandboxOrganization {
  const org = req.state.organization;
  if (!org?.accounts.has(req.caller.accountId)) {
    throw error('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  }
  return org;
}

function isDelegatedAdministrator(org: SandboxOrganization, accountId: string): boolean {
  return (org.delegatedAdministrators.get(accountId)?.size ?? 0) > 0;
}

function accessDenied(): SandboxError {
  return error('AccessDeniedException', "You don't have permissions to access this resource.");
}

/** The management account or a delegated administrator (the read operations). */
function readerOrg(req: JsonRequest): SandboxOrganization {
  const org = memberOrg(req);
  const id = req.caller.accountId;
  if (id !== org.managementAccountId && !isDelegatedAdministrator(org, id)) throw accessDenied();
  return org;
}

/** The management account only (the operations that change the organization). */
function managementOrg(req: JsonRequest): SandboxOrganization {
  const org = memberOrg(req);
  if (req.caller.accountId !== org.managementAccountId) throw accessDenied();
  return org;
}

// --- Paging -----------------------------------------------------------------------------------

function page<T>(req: JsonRequest, items: T[], key: string): Record<string, unknown> {
  const rawMax = req.input['MaxResults'];
  let max = PAGE_MAX;
  if (rawMax !== undefined) {
    if (typeof rawMax !== 'number' || !Number.isInteger(rawMax))
      throw invalidInput('INVALID_INPUT', 'MaxResults must be an integer.');
    if (rawMax < 1) throw invalidInput('MIN_VALUE_EXCEEDED', 'MaxResults must be at least 1.');
    if (rawMax > PAGE_MAX)
      throw invalidInput('MAX_VALUE_EXCEEDED', `MaxResults must be at most ${PAGE_MAX}.`);
    max = rawMax;
  }
  const token = str(req.input, 'NextToken');
  let start = 0;
  if (token !== undefined) {
    const decoded = /^sandbox-org-page:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (!decoded?.[1] || Number(decoded[1]) > items.length)
      throw invalidInput('INVALID_NEXT_TOKEN', 'The specified pagination token is invalid.');
    start = Number(decoded[1]);
  }
  const end = start + max;
  return {
    [key]: items.slice(start, end),
    ...(end < items.length ? { NextToken: Buffer.from(`sandbox-org-page:${end}`).toString('base64') } : {}),
  };
}

// --- Shapes -----------------------------------------------------------------------------------

/** The deprecated `Status`: AWS still returns it, with no CLOSED or PENDING_ACTIVATION value. */
function legacyStatus(state: SandboxAccountState): string {
  if (state === 'CLOSED') return 'SUSPENDED';
  if (state === 'PENDING_ACTIVATION') return 'ACTIVE';
  return state;
}

function accountShape(org: SandboxOrganization, account: SandboxOrgAccount, now: Date) {
  const state = accountStateAt(account, now);
  return {
    Id: account.id,
    Arn: arns.account(org, account.id),
    Email: account.email,
    Name: account.name,
    Status: legacyStatus(state),
    State: state,
    JoinedMethod: account.joinedMethod,
    JoinedTimestamp: account.joinedTimestamp,
  };
}

function organizationShape(org: SandboxOrganization) {
  const management = org.accounts.get(org.managementAccountId);
  return {
    Id: org.id,
    Arn: arns.organization(org),
    FeatureSet: org.featureSet,
    MasterAccountArn: arns.account(org, org.managementAccountId),
    MasterAccountId: org.managementAccountId,
    MasterAccountEmail: management?.email,
    // Deprecated by AWS; always answered with the SCP type's status.
    AvailablePolicyTypes: org.enabledPolicyTypes.has('SERVICE_CONTROL_POLICY')
      ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }]
      : [],
  };
}

function rootShape(org: SandboxOrganization) {
  return {
    Id: org.rootId,
    Arn: arns.root(org),
    Name: 'Root',
    PolicyTypes: POLICY_TYPES.filter((t) => org.enabledPolicyTypes.has(t)).map((Type) => ({
      Type,
      Status: 'ENABLED',
    })),
  };
}

function ouShape(org: SandboxOrganization, id: string) {
  const ou = org.units.get(id);
  return { Id: id, Arn: arns.ou(org, id), Name: ou?.name };
}

function policySummary(org: SandboxOrganization, policy: SandboxOrgPolicy) {
  return {
    Id: policy.id,
    Arn: arns.policy(org, policy.type, policy.id, policy.awsManaged),
    Name: policy.name,
    Description: policy.description,
    Type: policy.type,
    AwsManaged: policy.awsManaged,
  };
}

// --- Lookups ----------------------------------------------------------------------------------

function isParent(org: SandboxOrganization, id: string): boolean {
  return id === org.rootId || org.units.has(id);
}

function targetType(
  org: SandboxOrganization,
  id: string,
): 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT' | undefined {
  if (id === org.rootId) return 'ROOT';
  if (org.units.has(id)) return 'ORGANIZATIONAL_UNIT';
  if (org.accounts.has(id)) return 'ACCOUNT';
  return undefined;
}

function policyType(input: Record<string, unknown>, field: string): SandboxPolicyType {
  const value = required(input, field);
  if (!(POLICY_TYPES as string[]).includes(value))
    throw invalidInput('INVALID_ENUM_POLICY_TYPE', `The policy type ${value} is not valid.`);
  return value as SandboxPolicyType;
}

function attach(org: SandboxOrganization, policyIdValue: string, targetId: string): void {
  let targets = org.attachments.get(policyIdValue);
  if (!targets) {
    targets = new Set();
    org.attachments.set(policyIdValue, targets);
  }
  targets.add(targetId);
}

/** A new root, OU or account gets the full-access policy of each enabled authorization type. */
function attachFullAccess(org: SandboxOrganization, targetId: string): void {
  for (const [type, managed] of Object.entries(FULL_ACCESS)) {
    if (managed && org.enabledPolicyTypes.has(type as SandboxPolicyType)) attach(org, managed.id, targetId);
  }
}

const counterMaps = new WeakMap<SandboxOrganization, Map<string, number>>();

/** The next number of `kind` (account, ou, policy) in this organization: ids derive from it. */
function counter(org: SandboxOrganization, kind: string): number {
  const counters = counterMaps.get(org) ?? new Map<string, number>();
  counterMaps.set(org, counters);
  const next = (counters.get(kind) ?? 0) + 1;
  counters.set(kind, next);
  return next;
}

// --- Operations -------------------------------------------------------------------------------

function createOrganization(req: JsonRequest) {
  const existing = req.state.organization;
  if (existing?.accounts.has(req.caller.accountId)) {
    throw error('AlreadyInOrganizationException', 'This account is already a member of an organization.');
  }
  if (existing) {
    throw error(
      'ConstraintViolationException',
      'The sandbox holds one organization, and this account is not in it.',
    );
  }
  const featureSet = str(req.input, 'FeatureSet') ?? 'ALL';
  if (featureSet !== 'ALL' && featureSet !== 'CONSOLIDATED_BILLING')
    throw invalidInput('INVALID_ENUM', `FeatureSet ${featureSet} is not valid.`);
  const id = organizationId(req.caller.accountId);
  const org: SandboxOrganization = {
    id,
    managementAccountId: req.caller.accountId,
    featureSet,
    rootId: rootId(id),
    enabledPolicyTypes: new Set(),
    units: new Map(),
    accounts: new Map(),
    policies: new Map(),
    attachments: new Map(),
    delegatedAdministrators: new Map(),
    delegatedSince: new Map(),
    createAccountRequests: new Map(),
  };
  org.accounts.set(req.caller.accountId, {
    id: req.caller.accountId,
    name: 'Management account',
    email: `management+${req.caller.accountId}@example.com`,
    state: 'ACTIVE',
    parentId: org.rootId,
    joinedMethod: 'INVITED',
    joinedTimestamp: req.state.now(),
  });
  req.state.organization = org;
  return { Organization: organizationShape(org) };
}

function createAccount(req: JsonRequest) {
  const org = managementOrg(req);
  const email = required(req.input, 'Email');
  const name = required(req.input, 'AccountName');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 64)
    throw invalidInput('INVALID_EMAIL_ADDRESS_TARGET', `The email address ${email} is not valid.`);
  if (name.length > 50)
    throw invalidInput('MAX_LENGTH_EXCEEDED', 'AccountName is longer than 50 characters.');
  const roleName = str(req.input, 'RoleName') ?? ORGANIZATION_ACCESS_ROLE;
  const n = counter(org, 'account');
  let accountId = newAccountId(org, n);
  for (let k = 1; org.accounts.has(accountId); k++) accountId = newAccountId(org, n * 1000 + k);
  const now = req.state.now();
  org.accounts.set(accountId, {
    id: accountId,
    name,
    email,
    state: 'ACTIVE',
    parentId: org.rootId,
    joinedMethod: 'CREATED',
    joinedTimestamp: now,
  });
  attachFullAccess(org, accountId);
  req.state.account(accountId).roles = new Set([roleName]);
  const requestId = createAccountRequestId(org, n);
  org.createAccountRequests ??= new Map();
  org.createAccountRequests.set(requestId, { id: requestId, accountName: name, accountId, requestedAt: now });
  return {
    CreateAccountStatus: { Id: requestId, AccountName: name, State: 'IN_PROGRESS', RequestedTimestamp: now },
  };
}

function describeCreateAccountStatus(req: JsonRequest) {
  const org = managementOrg(req);
  const id = required(req.input, 'CreateAccountRequestId');
  if (!/^car-[a-z0-9]{8,32}$/.test(id))
    throw invalidInput('INVALID_FULL_NAME_TARGET', `The CreateAccountRequestId ${id} is not valid.`);
  const request = org.createAccountRequests?.get(id);
  if (!request)
    throw error(
      'CreateAccountStatusNotFoundException',
      "We can't find a create account request with the CreateAccountRequestId that you specified.",
    );
  return {
    CreateAccountStatus: {
      Id: request.id,
      AccountName: request.accountName,
      State: 'SUCCEEDED',
      RequestedTimestamp: request.requestedAt,
      CompletedTimestamp: request.requestedAt,
      AccountId: request.accountId,
    },
  };
}

function depthOf(org: SandboxOrganization, parentId: string): number {
  let depth = 0;
  for (
    let p: string | undefined = parentId;
    p !== undefined && p !== org.rootId;
    p = org.units.get(p)?.parentId
  )
    depth++;
  return depth;
}

function createOrganizationalUnit(req: JsonRequest) {
  const org = managementOrg(req);
  const parentId = required(req.input, 'ParentId');
  const name = required(req.input, 'Name');
  if (!isParent(org, parentId))
    throw error(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  if ([...org.units.values()].some((u) => u.parentId === parentId && u.name === name))
    throw error('DuplicateOrganizationalUnitException', 'An OU with the same name already exists.');
  if (depthOf(org, parentId) + 1 > MAX_OU_DEPTH)
    throw error(
      'ConstraintViolationException',
      'You attempted to create an OU tree that is too many levels deep.',
      'OU_DEPTH_LIMIT_EXCEEDED',
    );
  const id = organizationalUnitId(org, counter(org, 'ou'));
  org.units.set(id, { id, name, parentId });
  attachFullAccess(org, id);
  return { OrganizationalUnit: ouShape(org, id) };
}

function moveAccount(req: JsonRequest) {
  const org = managementOrg(req);
  const accountId = required(req.input, 'AccountId');
  const source = required(req.input, 'SourceParentId');
  const destination = required(req.input, 'DestinationParentId');
  const account = org.accounts.get(accountId);
  if (!account) throw error('AccountNotFoundException', "You specified an account that doesn't exist.");
  if (!isParent(org, source) || account.parentId !== source)
    throw error(
      'SourceParentNotFoundException',
      "We can't find a source root or OU with the ParentId that you specified.",
    );
  if (!isParent(org, destination))
    throw error(
      'DestinationParentNotFoundException',
      "We can't find the destination container (a root or OU) with the ParentId that you specified.",
    );
  if (source === destination)
    throw error('DuplicateAccountException', 'That account is already present in the specified destination.');
  account.parentId = destination;
  return {};
}

function closeAccount(req: JsonRequest) {
  const org = managementOrg(req);
  const accountId = required(req.input, 'AccountId');
  const account = org.accounts.get(accountId);
  if (!account) throw error('AccountNotFoundException', "You specified an account that doesn't exist.");
  if (accountId === org.managementAccountId)
    throw error(
      'ConstraintViolationException',
      "You can't close the management account with this API.",
      'CANNOT_CLOSE_MANAGEMENT_ACCOUNT',
    );
  const state = accountStateAt(account, req.state.now());
  if (state !== 'ACTIVE')
    throw error('AccountAlreadyClosedException', 'You attempted to close an account that is already closed.');
  account.closureRequestedAt = req.state.now();
  return {};
}

function enablePolicyType(req: JsonRequest) {
  const org = managementOrg(req);
  const root = required(req.input, 'RootId');
  const type = policyType(req.input, 'PolicyType');
  if (root !== org.rootId)
    throw error('RootNotFoundException', "We can't find a root with the RootId that you specified.");
  if (org.featureSet !== 'ALL')
    throw error(
      'PolicyTypeNotAvailableForOrganizationException',
      "You can't use the specified policy type with the feature set currently enabled for this organization.",
    );
  if (org.enabledPolicyTypes.has(type))
    throw error('PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.');
  org.enabledPolicyTypes.add(type);
  const managed = FULL_ACCESS[type];
  if (managed) {
    org.policies.set(managed.id, {
      id: managed.id,
      name: managed.name,
      description: managed.description,
      type,
      content: type === 'RESOURCE_CONTROL_POLICY' ? RCP_FULL_ACCESS_CONTENT : FULL_ACCESS_CONTENT,
      awsManaged: true,
    });
    for (const target of [org.rootId, ...org.units.keys(), ...org.accounts.keys()])
      attach(org, managed.id, target);
  }
  return { Root: rootShape(org) };
}

function createPolicy(req: JsonRequest) {
  const org = managementOrg(req);
  const content = required(req.input, 'Content');
  const description = str(req.input, 'Description');
  if (description === undefined)
    throw invalidInput('INPUT_REQUIRED', 'You must specify a value for Description.');
  const name = required(req.input, 'Name');
  const type = policyType(req.input, 'Type');
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw error(
      'MalformedPolicyDocumentException',
      'The provided policy document does not meet the requirements of the specified policy type.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw error(
      'MalformedPolicyDocumentException',
      'The provided policy document does not meet the requirements of the specified policy type.',
    );
  if (
    AUTHORIZATION_TYPES.has(type) &&
    !Array.isArray((parsed as { Statement?: unknown }).Statement) &&
    typeof (parsed as { Statement?: unknown }).Statement !== 'object'
  )
    throw error(
      'MalformedPolicyDocumentException',
      'The provided policy document does not meet the requirements of the specified policy type.',
    );
  if ([...org.policies.values()].some((p) => p.type === type && p.name === name))
    throw error('DuplicatePolicyException', 'A policy with the same name already exists.');
  const id = policyId(org, counter(org, 'policy'));
  const policy: SandboxOrgPolicy = { id, name, description, type, content, awsManaged: false };
  org.policies.set(id, policy);
  return { Policy: { PolicySummary: policySummary(org, policy), Content: content } };
}

function attachPolicy(req: JsonRequest) {
  const org = managementOrg(req);
  const id = required(req.input, 'PolicyId');
  const targetId = required(req.input, 'TargetId');
  const policy = org.policies.get(id);
  if (!policy)
    throw error('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.");
  if (!targetType(org, targetId))
    throw error(
      'TargetNotFoundException',
      "We can't find a root, OU, account, or policy with the TargetId that you specified.",
    );
  if (!org.enabledPolicyTypes.has(policy.type))
    throw error(
      'PolicyTypeNotEnabledException',
      "The specified policy type isn't currently enabled in this root.",
    );
  if (org.attachments.get(id)?.has(targetId))
    throw error(
      'DuplicatePolicyAttachmentException',
      'The selected policy is already attached to the specified target.',
    );
  attach(org, id, targetId);
  return {};
}

function describeOrganization(req: JsonRequest) {
  return { Organization: organizationShape(memberOrg(req)) };
}

function listAccounts(req: JsonRequest) {
  const org = readerOrg(req);
  const now = req.state.now();
  return page(
    req,
    [...org.accounts.values()].map((a) => accountShape(org, a, now)),
    'Accounts',
  );
}

function listParents(req: JsonRequest) {
  const org = readerOrg(req);
  const child = required(req.input, 'ChildId');
  const parentId = org.accounts.get(child)?.parentId ?? org.units.get(child)?.parentId;
  if (parentId === undefined)
    throw error(
      'ChildNotFoundException',
      "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
    );
  return page(
    req,
    [{ Id: parentId, Type: parentId === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }],
    'Parents',
  );
}

function listChildren(req: JsonRequest) {
  const org = readerOrg(req);
  const parentId = required(req.input, 'ParentId');
  const childType = required(req.input, 'ChildType');
  if (childType !== 'ACCOUNT' && childType !== 'ORGANIZATIONAL_UNIT')
    throw invalidInput('INVALID_ENUM', `ChildType ${childType} is not valid.`);
  if (!isParent(org, parentId))
    throw error(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  const ids =
    childType === 'ACCOUNT'
      ? [...org.accounts.values()].filter((a) => a.parentId === parentId).map((a) => a.id)
      : [...org.units.values()].filter((u) => u.parentId === parentId).map((u) => u.id);
  return page(
    req,
    ids.map((Id) => ({ Id, Type: childType })),
    'Children',
  );
}

function listRoots(req: JsonRequest) {
  const org = readerOrg(req);
  return page(req, [rootShape(org)], 'Roots');
}

function listOrganizationalUnitsForParent(req: JsonRequest) {
  const org = readerOrg(req);
  const parentId = required(req.input, 'ParentId');
  if (!isParent(org, parentId))
    throw error(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  const units = [...org.units.values()].filter((u) => u.parentId === parentId).map((u) => ouShape(org, u.id));
  return page(req, units, 'OrganizationalUnits');
}

function listPoliciesForTarget(req: JsonRequest) {
  const org = readerOrg(req);
  const targetId = required(req.input, 'TargetId');
  const type = policyType(req.input, 'Filter');
  if (!targetType(org, targetId))
    throw error(
      'TargetNotFoundException',
      "We can't find a root, OU, account, or policy with the TargetId that you specified.",
    );
  const policies = [...org.policies.values()].filter(
    (p) => p.type === type && org.attachments.get(p.id)?.has(targetId),
  );
  return page(
    req,
    policies.map((p) => policySummary(org, p)),
    'Policies',
  );
}

function describePolicy(req: JsonRequest) {
  const org = readerOrg(req);
  const id = required(req.input, 'PolicyId');
  const policy = org.policies.get(id);
  if (!policy)
    throw error('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.");
  return { Policy: { PolicySummary: policySummary(org, policy), Content: policy.content } };
}

function describeEffectivePolicy(req: JsonRequest) {
  const org = memberOrg(req);
  const type = policyType(req.input, 'PolicyType');
  if (AUTHORIZATION_TYPES.has(type))
    throw invalidInput(
      'INVALID_ENUM_POLICY_TYPE',
      'DescribeEffectivePolicy applies only to management policy types, not to SCPs or RCPs.',
    );
  const targetId = str(req.input, 'TargetId') ?? req.caller.accountId;
  const caller = req.caller.accountId;
  if (targetId !== caller && caller !== org.managementAccountId && !isDelegatedAdministrator(org, caller))
    throw accessDenied();
  const kind = targetType(org, targetId);
  if (!kind)
    throw error(
      'TargetNotFoundException',
      "We can't find a root, OU, account, or policy with the TargetId that you specified.",
    );
  if (kind !== 'ACCOUNT')
    throw invalidInput(
      'INVALID_PARTY_TYPE_TARGET',
      'The effective policy can be described for an account only.',
    );
  if (!org.enabledPolicyTypes.has(type))
    throw error('EffectivePolicyNotFoundException', "We can't find an effective policy matching your query.");
  const levels = [...pathOf(org, targetId), targetId].map((node) =>
    [...org.policies.values()]
      .filter((p) => p.type === type && org.attachments.get(p.id)?.has(node))
      .map((p) => p.content),
  );
  const content = effectivePolicy(levels);
  if (content === undefined)
    throw error('EffectivePolicyNotFoundException', "We can't find an effective policy matching your query.");
  return {
    EffectivePolicy: {
      PolicyContent: content,
      LastUpdatedTimestamp: req.state.now(),
      TargetId: targetId,
      PolicyType: type,
    },
  };
}

function registerDelegatedAdministrator(req: JsonRequest) {
  const org = managementOrg(req);
  const accountId = required(req.input, 'AccountId');
  const principal = required(req.input, 'ServicePrincipal');
  const account = org.accounts.get(accountId);
  if (!account) throw error('AccountNotFoundException', "You specified an account that doesn't exist.");
  if (accountId === org.managementAccountId)
    throw error(
      'ConstraintViolationException',
      "You can't register the management account as a delegated administrator.",
      'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR',
    );
  if (accountStateAt(account, req.state.now()) !== 'ACTIVE')
    throw error(
      'ConstraintViolationException',
      "You can't register a suspended account as a delegated administrator.",
      'CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR',
    );
  const principals = org.delegatedAdministrators.get(accountId) ?? new Set<string>();
  if (principals.has(principal))
    throw error(
      'AccountAlreadyRegisteredException',
      'The provided account is already a delegated administrator for your organization.',
    );
  principals.add(principal);
  org.delegatedAdministrators.set(accountId, principals);
  org.delegatedSince ??= new Map();
  if (!org.delegatedSince.has(accountId)) org.delegatedSince.set(accountId, req.state.now());
  return {};
}

function listDelegatedAdministrators(req: JsonRequest) {
  const org = readerOrg(req);
  const principal = str(req.input, 'ServicePrincipal');
  const now = req.state.now();
  const admins = [...org.delegatedAdministrators]
    .filter(([, principals]) => principals.size > 0 && (principal === undefined || principals.has(principal)))
    .flatMap(([id]) => {
      const account = org.accounts.get(id);
      return account
        ? [{ ...accountShape(org, account, now), DelegationEnabledDate: org.delegatedSince?.get(id) ?? now }]
        : [];
    });
  return page(req, admins, 'DelegatedAdministrators');
}

/** Organizations operations by name, for the server's JSON 1.1 dispatcher. */
export const organizationsService: JsonService = {
  CreateOrganization: createOrganization,
  DescribeOrganization: describeOrganization,
  CreateAccount: createAccount,
  DescribeCreateAccountStatus: describeCreateAccountStatus,
  CreateOrganizationalUnit: createOrganizationalUnit,
  MoveAccount: moveAccount,
  CloseAccount: closeAccount,
  EnablePolicyType: enablePolicyType,
  CreatePolicy: createPolicy,
  AttachPolicy: attachPolicy,
  ListAccounts: listAccounts,
  ListParents: listParents,
  ListChildren: listChildren,
  ListRoots: listRoots,
  ListOrganizationalUnitsForParent: listOrganizationalUnitsForParent,
  ListPoliciesForTarget: listPoliciesForTarget,
  DescribePolicy: describePolicy,
  DescribeEffectivePolicy: describeEffectivePolicy,
  RegisterDelegatedAdministrator: registerDelegatedAdministrator,
  ListDelegatedAdministrators: listDelegatedAdministrators,
};
