/**
 * Identifiers and ARNs of the sandbox's organization, in AWS's formats (`o-…`, `r-…`, `ou-…-…`,
 * `p-…`, 12-digit account ids, `car-…`). They are derived from the management account and a
 * counter rather than drawn at random, so the same setup gives the same ids on every run.
 */
import { createHash } from 'node:crypto';
import type { SandboxOrganization, SandboxPolicyType } from './model.ts';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';

function digest(seed: string): Buffer {
  return createHash('sha256').update(`sandbox-organizations:${seed}`).digest();
}

function chars(seed: string, length: number, alphabet = LOWER): string {
  const bytes = digest(seed);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(bytes[i % bytes.length] ?? 0) % alphabet.length];
  return out;
}

/** `o-` and 10 characters. */
export function organizationId(managementAccountId: string): string {
  return `o-${chars(`org:${managementAccountId}`, 10)}`;
}

/** `r-` and 4 characters. */
export function rootId(orgId: string): string {
  return `r-${chars(`root:${orgId}`, 4)}`;
}

/** `ou-<root suffix>-<8 characters>`, the n-th OU of the organization. */
export function organizationalUnitId(org: SandboxOrganization, n: number): string {
  return `ou-${org.rootId.slice(2)}-${chars(`ou:${org.id}:${n}`, 8)}`;
}

/** `p-` and 8 characters, the n-th customer managed policy. */
export function policyId(org: SandboxOrganization, n: number): string {
  return `p-${chars(`policy:${org.id}:${n}`, 8)}`;
}

/** A 12-digit account id for the n-th account CreateAccount makes (never starting with 0). */
export function newAccountId(org: SandboxOrganization, n: number): string {
  return `${1 + ((digest(`account:${org.id}:${n}`)[0] ?? 0) % 9)}${chars(`account:${org.id}:${n}`, 11, '0123456789')}`;
}

/** `car-` and 32 hex characters. */
export function createAccountRequestId(org: SandboxOrganization, n: number): string {
  return `car-${digest(`car:${org.id}:${n}`).toString('hex').slice(0, 32)}`;
}

/** ARNs of the organization's resources. */
export const arns = {
  organization: (org: SandboxOrganization) =>
    `arn:aws:organizations::${org.managementAccountId}:organization/${org.id}`,
  account: (org: SandboxOrganization, accountId: string) =>
    `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${accountId}`,
  root: (org: SandboxOrganization) =>
    `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`,
  ou: (org: SandboxOrganization, ouId: string) =>
    `arn:aws:organizations::${org.managementAccountId}:ou/${org.id}/${ouId}`,
  policy: (org: SandboxOrganization, type: SandboxPolicyType, id: string, awsManaged: boolean) =>
    awsManaged
      ? `arn:aws:organizations::aws:policy/${type.toLowerCase()}/${id}`
      : `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${type.toLowerCase()}/${id}`,
};
