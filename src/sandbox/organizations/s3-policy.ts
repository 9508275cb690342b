/**
 * The organization's S3 policy (`S3_POLICY`) as S3 applies it to an account: the effective
 * `s3_attributes.public_access_block_configuration` (`all` turns the four account-level Block
 * Public Access settings on, `none` off) replaces whatever the account configured, and S3
 * Control then refuses changes to the account-level setting.
 */
import type { PabState, SandboxStateApi } from '../types.ts';
import { effectivePolicy } from './effective.ts';
import { organizationOf, pathOf } from './model.ts';

/** The effective Block Public Access setting the organization's S3 policy imposes on the account. */
export function orgBpaSetting(state: SandboxStateApi, accountId: string): 'all' | 'none' | undefined {
  const org = organizationOf(state.organization, accountId);
  if (!org || !org.enabledPolicyTypes.has('S3_POLICY')) return undefined;
  const levels = [...pathOf(org, accountId), accountId].map((node) =>
    [...org.policies.values()]
      .filter((p) => p.type === 'S3_POLICY' && org.attachments.get(p.id)?.has(node))
      .map((p) => p.content),
  );
  const content = effectivePolicy(levels);
  if (content === undefined) return undefined;
  const value = (JSON.parse(content) as { s3_attributes?: { public_access_block_configuration?: unknown } })
    .s3_attributes?.public_access_block_configuration;
  return value === 'all' || value === 'none' ? value : undefined;
}

/** The account-level Block Public Access in effect: the S3 policy's setting, else the account's own. */
export function effectiveAccountPab(state: SandboxStateApi, accountId: string): PabState | undefined {
  const setting = orgBpaSetting(state, accountId);
  if (setting === undefined) return state.account(accountId).accountPublicAccessBlock;
  const on = setting === 'all';
  return { BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on };
}
