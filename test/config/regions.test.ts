import { describe, expect, it } from 'vitest';
import { isKnownRegion, nearRegions, regionProblem } from '../../src/config/regions.ts';

describe('regions from the AWS SDK partition data', () => {
  it('knows the regions of every partition, and nothing else', () => {
    for (const r of ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1'])
      expect(isKnownRegion(r), r).toBe(true);
    // Shaped like a region (the SDK's own regex accepts them) but not one AWS has.
    for (const r of ['eu-wset-1', 'us-east-9', 'aws-global', 'Mars', ''])
      expect(isKnownRegion(r), r).toBe(false);
  });

  it('suggests the regions one edit away', () => {
    expect(nearRegions('eu-wset-1')).toEqual(['eu-west-1']);
    expect(nearRegions('us-eest-1')).toContain('us-east-1');
    expect(regionProblem('us-east-1')).toBeUndefined();
    expect(regionProblem('zz-nowhere-7')).toBe(
      '"zz-nowhere-7" is not an AWS region known to the AWS SDK (e.g. us-east-1)',
    );
  });
});
