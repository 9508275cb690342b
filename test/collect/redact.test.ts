import { describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../src/aws/redact.ts';

describe('redact', () => {
  it('removes credentials and tokens wherever they are nested', () => {
    const out = redact(
      {
        Credentials: {
          AccessKeyId: 'ASIA1',
          SecretAccessKey: 's3cr3t',
          SessionToken: 'tok',
          Expiration: new Date(0),
        },
        AssumedRoleUser: { Arn: 'arn:aws:sts::1:assumed-role/r/s' },
      },
      'AssumeRole',
    );
    expect(out).toEqual({
      Credentials: {
        AccessKeyId: REDACTED,
        SecretAccessKey: REDACTED,
        SessionToken: REDACTED,
        Expiration: '1970-01-01T00:00:00.000Z',
      },
      AssumedRoleUser: { Arn: 'arn:aws:sts::1:assumed-role/r/s' },
    });
    expect(JSON.stringify(out)).not.toMatch(/s3cr3t|tok"/);
  });

  it('keeps bucket and key policies verbatim: they are evidence', () => {
    const policy = '{"Statement":[{"Effect":"Allow","Principal":"*"}]}';
    expect(redact({ Bucket: 'b', Policy: policy }, 'PutBucketPolicy')).toEqual({
      Bucket: 'b',
      Policy: policy,
    });
    expect(redact({ Policy: policy }, 'GetKeyPolicy')).toEqual({ Policy: policy });
  });

  it('removes KMS data payloads and the Sign message, but keeps ordinary messages', () => {
    expect(redact({ KeyId: 'k', Plaintext: new Uint8Array([1, 2]) }, 'Encrypt')).toEqual({
      KeyId: 'k',
      Plaintext: REDACTED,
    });
    expect(redact({ CiphertextBlob: new Uint8Array([1]) }, 'Decrypt')).toEqual({ CiphertextBlob: REDACTED });
    expect(redact({ KeyId: 'k', Message: 'digest', MessageType: 'DIGEST' }, 'Sign')).toEqual({
      KeyId: 'k',
      Message: REDACTED,
      MessageType: 'DIGEST',
    });
    expect(redact({ Message: 'the rule is compliant' }, 'GetComplianceDetailsByConfigRule')).toEqual({
      Message: 'the rule is compliant',
    });
  });

  it('turns binary into a length summary and drops undefined members', () => {
    expect(redact({ PublicKey: new Uint8Array(91), Marker: undefined }, 'GetPublicKey')).toEqual({
      PublicKey: '[binary 91 bytes]',
    });
  });

  it('redacts access key ids inside CloudTrail records embedded as JSON text', () => {
    const record = {
      eventName: 'Decrypt',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/u', accessKeyId: 'AKIAEMBEDDED0000001' },
      responseElements: { credentials: { accessKeyId: 'ASIAEMBEDDED0000002', sessionToken: 'tok' } },
    };
    const out = redact(
      {
        Events: [
          { EventId: 'e1', AccessKeyId: 'AKIAEMBEDDED0000001', CloudTrailEvent: JSON.stringify(record) },
          { EventId: 'e2', CloudTrailEvent: 'not json, key AKIAEMBEDDED0000003 inside' },
        ],
      },
      'LookupEvents',
    ) as { Events: { CloudTrailEvent: string }[] };
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/AKIAEMBEDDED|ASIAEMBEDDED|"tok"/);
    const first = JSON.parse(out.Events[0]?.CloudTrailEvent ?? '{}') as typeof record;
    expect(first.userIdentity).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::1:user/u',
      accessKeyId: REDACTED,
    });
    expect(first.eventName).toBe('Decrypt');
    expect(out.Events[1]?.CloudTrailEvent).toBe(`not json, key ${REDACTED} inside`);
  });
});
