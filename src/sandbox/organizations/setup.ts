/**
 * In-process setup the sandbox's AWS APIs do not offer (IAM is not modelled as a service): the
 * roles of an account, and an account that joined the organization by invitation. The admin API
 * exposes the role helpers to a sandbox in another process.
 */
import type { SandboxState } from '../state.ts';
import type { SandboxOrgAccount } from './model.ts';

/**
 * Create role `roleName` in the account; returns the roles it now has. An account whose roles were
 * not modelled (any role could be assumed) then has exactly the roles created this way.
 */
export function createRole(state: SandboxState, accountId: string, roleName: string): string[] {
  const account = state.account(accountId);
  account.roles ??= new Set();
  account.roles.add(roleName);
  return [...account.roles].sort();
}

/**
 * Delete role `roleName` from the account; AssumeRole into it is then refused with AccessDenied.
 * An account whose roles were not modelled is left with none.
 */
export function deleteRole(state: SandboxState, accountId: string, roleName: string): string[] {
  const account = state.account(accountId);
  account.roles ??= new Set();
  account.roles.delete(roleName);
  return [...account.roles].sort();
}

/**
 * Add an existing account to the organization as one that accepted an invitation (JoinedMethod
 * `INVITED`), under `parentId` (default the root). Its roles are left as they are.
 */
export function joinAccount(
  state: SandboxState,
  account: { id: string; name: string; email: string; parentId?: string },
): SandboxOrgAccount {
  const org = state.organization;
  if (!org) throw new Error('joinAccount: the sandbox has no organization (call CreateOrganization first)');
  if (org.accounts.has(account.id)) throw new Error(`joinAccount: ${account.id} is already a member`);
  const member: SandboxOrgAccount = {
    id: account.id,
    name: account.name,
    email: account.email,
    state: 'ACTIVE',
    parentId: account.parentId ?? org.rootId,
    joinedMethod: 'INVITED',
    joinedTimestamp: state.now(),
  };
  org.accounts.set(account.id, member);
  for (const [type, id] of [
    ['SERVICE_CONTROL_POLICY', 'p-FullAWSAccess'],
    ['RESOURCE_CONTROL_POLICY', 'p-RCPFullAWSAccess'],
  ] as const) {
    if (org.enabledPolicyTypes.has(type)) org.attachments.get(id)?.add(account.id);
  }
  state.account(account.id);
  return member;
}

/** Rename an organization account (the management account is named `Management account` at first). */
export function renameAccount(state: SandboxState, accountId: string, name: string): void {
  const member = state.organization?.accounts.get(accountId);
  if (!member) throw new Error(`renameAccount: ${accountId} is not in the organization`);
  member.name = name;
}
