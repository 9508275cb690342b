/**
 * Finding the trail a request names. A name means a trail whose home is the request's region; an
 * ARN also reaches the shadow of a multi-region trail from any region, and, from a member account,
 * the organization trail of the management account (which members can reach only by ARN). Changes
 * must be made in the home region (InvalidHomeRegionException otherwise).
 */
import type { JsonRequest } from '../../types.ts';
import { SandboxError } from '../../types.ts';
import type { Trail } from './store.ts';
import { trailsOf } from './store.ts';
import { foreignOrganizationTrail, mayManageOrganizationTrails } from './organization-trails.ts';

/** The trail named by `nameOrArn` as seen from the request's region, or undefined. */
export function visibleTrail(req: JsonRequest, nameOrArn: string): Trail | undefined {
  const trails = trailsOf(req.account);
  if (nameOrArn.startsWith('arn:')) {
    const trail = trails.get(nameOrArn) ?? foreignOrganizationTrail(req, nameOrArn);
    return trail && (trail.homeRegion === req.region || trail.isMultiRegionTrail) ? trail : undefined;
  }
  return [...trails.values()].find((t) => t.name === nameOrArn && t.homeRegion === req.region);
}

/** Like `visibleTrail`, but TrailNotFoundException when there is none. */
export function requireTrail(req: JsonRequest, nameOrArn: string): Trail {
  const trail = visibleTrail(req, nameOrArn);
  if (!trail) {
    const arn = nameOrArn.startsWith('arn:')
      ? nameOrArn
      : `arn:aws:cloudtrail:${req.region}:${req.caller.accountId}:trail/${nameOrArn}`;
    throw new SandboxError(
      'TrailNotFoundException',
      `Unknown trail: ${arn} for the user: ${req.caller.accountId}`,
    );
  }
  return trail;
}

/**
 * The trail, which must be changed from its home region. A member account cannot change the
 * organization trail it sees; the CloudTrail delegated administrator can.
 */
export function requireHomeTrail(req: JsonRequest, nameOrArn: string): Trail {
  const trail = requireTrail(req, nameOrArn);
  if (trail.accountId !== req.caller.accountId && !mayManageOrganizationTrails(req)) {
    throw new SandboxError(
      'NotOrganizationMasterAccountException',
      `Account ${req.caller.accountId} cannot change organization trail ${trail.arn}: only the management account or a delegated administrator can.`,
    );
  }
  if (trail.homeRegion !== req.region) {
    throw new SandboxError(
      'InvalidHomeRegionException',
      `This operation must be called from the trail's home region ${trail.homeRegion}.`,
    );
  }
  return trail;
}
