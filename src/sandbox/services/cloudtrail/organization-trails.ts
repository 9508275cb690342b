/**
 * Organization trails. An organization trail lives in the management account (also when a
 * CloudTrail delegated administrator creates it) and logs every account of the organization.
 * Member accounts see it in DescribeTrails as a shadow trail, with the management account's ARN and
 * the trail's home region, and may read its status and selectors by ARN; they cannot change it.
 */
import type { SandboxOrganization } from '../../organizations/model.ts';
import { organizationOf } from '../../organizations/model.ts';
import type { JsonRequest } from '../../types.ts';
import { SandboxError } from '../../types.ts';
import type { Trail } from './store.ts';
import { trailsOf } from './store.ts';

/** The service principal a CloudTrail delegated administrator is registered for. */
export const CLOUDTRAIL_PRINCIPAL = 'cloudtrail.amazonaws.com';

/** The sandbox's organization, when the caller's account belongs to it. */
function callerOrganization(req: JsonRequest): SandboxOrganization | undefined {
  return organizationOf(req.state.organization, req.caller.accountId);
}

/** True when the caller is the organization's CloudTrail delegated administrator. */
function isDelegatedAdministrator(org: SandboxOrganization, accountId: string): boolean {
  return org.delegatedAdministrators.get(accountId)?.has(CLOUDTRAIL_PRINCIPAL) ?? false;
}

/**
 * The account an organization trail is created in, after AWS's checks: the caller must be in an
 * organization with all features, as its management account or CloudTrail delegated
 * administrator. The trail always belongs to the management account.
 */
export function organizationTrailOwner(req: JsonRequest): string {
  const org = callerOrganization(req);
  if (!org) {
    throw new SandboxError(
      'OrganizationsNotInUseException',
      'This operation is only allowed for accounts that are members of an organization in AWS Organizations.',
    );
  }
  if (
    org.managementAccountId !== req.caller.accountId &&
    !isDelegatedAdministrator(org, req.caller.accountId)
  ) {
    throw new SandboxError(
      'NotOrganizationMasterAccountException',
      `Account ${req.caller.accountId} is not the management account or a delegated administrator of organization ${org.id}.`,
    );
  }
  if (org.featureSet !== 'ALL') {
    throw new SandboxError(
      'OrganizationNotInAllFeaturesModeException',
      'All features must be enabled in AWS Organizations to create an organization trail.',
    );
  }
  return org.managementAccountId;
}

/**
 * The organization trails of the caller's organization that the caller sees but does not own:
 * for a member account, every organization trail of the management account. Empty for the
 * management account itself (its trails are its own) and outside an organization.
 */
export function foreignOrganizationTrails(req: JsonRequest): Trail[] {
  const org = callerOrganization(req);
  if (!org || org.managementAccountId === req.caller.accountId) return [];
  return [...trailsOf(req.state.account(org.managementAccountId)).values()].filter(
    (t) => t.isOrganizationTrail,
  );
}

/** The organization trail with this ARN the caller sees as a member, if any. */
export function foreignOrganizationTrail(req: JsonRequest, arn: string): Trail | undefined {
  return foreignOrganizationTrails(req).find((t) => t.arn === arn);
}

/** True when the caller may change organization trails it does not own (delegated administrator). */
export function mayManageOrganizationTrails(req: JsonRequest): boolean {
  const org = callerOrganization(req);
  return org !== undefined && isDelegatedAdministrator(org, req.caller.accountId);
}
