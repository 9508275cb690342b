import { describe, expect, it } from 'vitest';
import { classifyError, errorName, isThrottleCode } from '../../src/aws/classify.ts';

function sdkError(name: string, message = 'boom'): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('classifyError', () => {
  it('treats not-configured codes as absent only for the operation that means it', () => {
    expect(classifyError('s3', 'GetBucketPolicy', sdkError('NoSuchBucketPolicy'))).toBe('absent');
    expect(classifyError('s3', 'GetBucketPolicyStatus', sdkError('NoSuchBucketPolicy'))).toBe('absent');
    expect(classifyError('s3', 'GetBucketAcl', sdkError('NoSuchBucketPolicy'))).toBe('error');
    expect(
      classifyError('s3', 'GetPublicAccessBlock', sdkError('NoSuchPublicAccessBlockConfiguration')),
    ).toBe('absent');
    expect(
      classifyError('s3control', 'GetPublicAccessBlock', sdkError('NoSuchPublicAccessBlockConfiguration')),
    ).toBe('absent');
    expect(
      classifyError('s3', 'GetBucketEncryption', sdkError('ServerSideEncryptionConfigurationNotFoundError')),
    ).toBe('absent');
    expect(
      classifyError('s3', 'GetBucketOwnershipControls', sdkError('OwnershipControlsNotFoundError')),
    ).toBe('absent');
    expect(classifyError('s3', 'GetBucketTagging', sdkError('NoSuchTagSet'))).toBe('absent');
    expect(classifyError('kms', 'GetKeyRotationStatus', sdkError('UnsupportedOperationException'))).toBe(
      'absent',
    );
    expect(classifyError('kms', 'DescribeKey', sdkError('UnsupportedOperationException'))).toBe('error');
  });

  it('treats a deleted bucket and an unknown key as failures, not as absent configuration', () => {
    expect(classifyError('s3', 'GetBucketPolicy', sdkError('NoSuchBucket'))).toBe('error');
    expect(classifyError('kms', 'DescribeKey', sdkError('NotFoundException'))).toBe('error');
  });

  it('classifies permission errors as denied', () => {
    expect(classifyError('s3', 'GetBucketAcl', sdkError('AccessDenied'))).toBe('denied');
    expect(classifyError('kms', 'DescribeKey', sdkError('AccessDeniedException'))).toBe('denied');
    expect(classifyError('config', 'DescribeConfigRules', sdkError('UnauthorizedOperation'))).toBe('denied');
  });

  it('classifies throttling, server and network failures as error', () => {
    expect(classifyError('s3', 'ListBuckets', sdkError('SlowDown'))).toBe('error');
    expect(classifyError('kms', 'ListAliases', sdkError('ThrottlingException'))).toBe('error');
    expect(classifyError('s3', 'ListBuckets', sdkError('InternalError'))).toBe('error');
    expect(classifyError('s3', 'ListBuckets', sdkError('TimeoutError'))).toBe('error');
    expect(classifyError('s3', 'ListBuckets', 'not even an error')).toBe('error');
  });

  it('decides on the error name, never on the message text', () => {
    expect(classifyError('s3', 'GetBucketAcl', sdkError('InternalError', 'AccessDenied'))).toBe('error');
    expect(classifyError('s3', 'GetBucketPolicy', sdkError('InternalError', 'NoSuchBucketPolicy'))).toBe(
      'error',
    );
  });
});

describe('errorName', () => {
  it('falls back to the error Code when the name is generic', () => {
    const e = Object.assign(new Error('x'), { Code: 'AccessDenied' });
    expect(errorName(e)).toBe('AccessDenied');
    expect(errorName(undefined)).toBe('UnknownError');
  });

  it('names a connection the SDK relabels TimeoutError by its system code', () => {
    // What the SDK throws for a socket the server destroyed (seen over the wire against the sandbox).
    const reset = Object.assign(sdkError('TimeoutError', 'socket hang up'), { code: 'ECONNRESET' });
    expect(errorName(reset)).toBe('ECONNRESET');
    // A request that really timed out stays a timeout.
    const timedOut = Object.assign(sdkError('TimeoutError', 'Request timed out'), { code: 'ETIMEDOUT' });
    expect(errorName(timedOut)).toBe('TimeoutError');
    expect(errorName(sdkError('TimeoutError', 'Connection timed out after 20000 ms'))).toBe('TimeoutError');
  });
});

describe('isThrottleCode', () => {
  it('recognises the throttling names of REST-XML and JSON services', () => {
    expect(
      ['SlowDown', 'ThrottlingException', 'Throttling', 'TooManyRequestsException'].every(isThrottleCode),
    ).toBe(true);
    expect(isThrottleCode('AccessDenied')).toBe(false);
  });
});
