import { describe, expect, it } from 'vitest';
import { isAbsentCode } from '../../src/aws/classify.ts';
import { absentOf } from '../support/outcomes.ts';

/**
 * The fixture builders can only make outcomes the collectors produce. The `@ts-expect-error` lines
 * are checked by `tsc --noEmit` (part of `npm run check`): each would compile only if the builder
 * accepted an impossible outcome, and then the directive itself fails the type check.
 */
describe('typed fixture outcomes', () => {
  it('accepts the absent answers the classifier and collectors produce', () => {
    expect(absentOf('NoSuchBucketPolicy', 'GetBucketPolicy').errorCode).toBe('NoSuchBucketPolicy');
    expect(absentOf('NotFoundException', 'DescribeKey', 'kms').evidence.service).toBe('kms');
    expect(absentOf('NoSuchPublicAccessBlockConfiguration', 'GetPublicAccessBlock', 's3control').status).toBe(
      'absent',
    );
    // The builder's table follows the classifier's: the same pair is absent at run time.
    expect(
      isAbsentCode('s3', 'GetBucketTagging', absentOf('NoSuchTagSet', 'GetBucketTagging').errorCode),
    ).toBe(true);
  });

  it('refuses, at compile time, outcomes no collector can produce', () => {
    const impossible = [
      // S3 has no "no ACL" answer: GetBucketAcl is ok or a gap.
      // @ts-expect-error an absent bucket ACL cannot be collected
      () => absentOf('NoSuchAcl', 'GetBucketAcl'),
      // @ts-expect-error NoSuchTagSet is not GetBucketEncryption's not-configured code
      () => absentOf('NoSuchTagSet', 'GetBucketEncryption'),
      // @ts-expect-error AWS Config recorders are listed, never absent
      () => absentOf('NoSuchConfigurationRecorderException', 'DescribeConfigurationRecorders', 'config'),
    ];
    expect(impossible).toHaveLength(3);
  });
});
