import { ORGANIZATION_ACCESS_ROLE } from '../sandbox/services/organizations.ts';
import { generateScenario } from '../sandbox/scenarios/generated.ts';
import type { CalibrateOptions } from './calibrate.ts';

/** What the bench's config and calibration depend on. */
export interface BenchShape {
  buckets: number;
  regions: number;
  accounts?: number | undefined;
  concurrency?: number | undefined;
  globalConcurrency?: number | undefined;
}

/**
 * The bench's config (before validation): the organization's name, and with `accounts` the
 * discovery of every account of the generated organization through its access role.
 */
export function benchConfigInput(shape: BenchShape): Record<string, unknown> {
  const collection = {
    ...(shape.concurrency !== undefined ? { concurrency: shape.concurrency } : {}),
    ...(shape.globalConcurrency !== undefined ? { globalConcurrency: shape.globalConcurrency } : {}),
  };
  return {
    organization:
      shape.accounts !== undefined ? { name: 'Bench', roleName: ORGANIZATION_ACCESS_ROLE } : 'Bench',
    ...(Object.keys(collection).length > 0 ? { collection } : {}),
  };
}

/**
 * The bucket the SDK calibration reads: the generated estate's first bucket (in the first member
 * account for an organization), in its region.
 */
export function calibrationTarget(shape: BenchShape): Pick<CalibrateOptions, 'bucket' | 'region' | 'member'> {
  const spec =
    shape.accounts !== undefined
      ? generateScenario({ buckets: 1, regions: shape.regions, seed: 42, prefix: 'gen-0001' })
      : generateScenario({ buckets: 1, regions: shape.regions });
  const first = spec.buckets?.[0];
  if (!first || shape.buckets < 1) throw new Error('the bench needs at least one bucket');
  return {
    bucket: first.name,
    region: first.region ?? 'us-east-1',
    ...(shape.accounts !== undefined
      ? { member: { name: 'member-0001', roleName: ORGANIZATION_ACCESS_ROLE } }
      : {}),
  };
}
