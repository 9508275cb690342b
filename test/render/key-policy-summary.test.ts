import { describe, expect, it } from 'vitest';
import { describePrincipal, summarizeKeyPolicy } from '../../src/render/key-policy-summary.ts';

const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('summarizeKeyPolicy', () => {
  it('groups the default key policy into administrators and users', () => {
    const s = summarizeKeyPolicy(
      policy([
        {
          Sid: 'root',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'admins',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmins' },
          Action: ['kms:Create*', 'kms:Describe*', 'kms:Put*', 'kms:ScheduleKeyDeletion'],
          Resource: '*',
        },
        {
          Sid: 'use',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:role/App'] },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        },
      ]),
    );
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    expect(s.administrators.map((a) => a.principal)).toEqual([
      'arn:aws:iam::111122223333:root',
      'arn:aws:iam::111122223333:role/KeyAdmins',
    ]);
    expect(s.users.map((u) => u.principal)).toEqual([
      'arn:aws:iam::111122223333:root',
      'arn:aws:iam::111122223333:role/App',
    ]);
    const app = s.users.find((u) => u.principal.endsWith('role/App'))!;
    expect(app.conditional).toBe(true);
    expect(app.conditions).toEqual(['StringEquals kms:ViaService=s3.us-east-1.amazonaws.com']);
    expect(s.administrators[0]!.conditional).toBe(false);
  });

  it('treats a describe-only grant as neither administration nor use', () => {
    const s = summarizeKeyPolicy(
      policy([
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::1:role/Auditor' },
          Action: ['kms:Describe*', 'kms:List*', 'kms:Get*'],
        },
      ]),
    );
    expect(s).toEqual({ ok: true, administrators: [], users: [], notes: [] });
  });

  it('reports a public principal, service principals and action wildcards', () => {
    const s = summarizeKeyPolicy(
      policy([
        {
          Effect: 'Allow',
          Principal: '*',
          Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'kms:CallerAccount': ['111122223333'] } },
        },
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey*',
        },
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:role/Ops' }, Action: '*' },
      ]),
    );
    if (!s.ok) throw new Error(s.reason);
    expect(s.users.map((u) => u.principal)).toEqual([
      '*',
      'Service:cloudtrail.amazonaws.com',
      'arn:aws:iam::1:role/Ops',
    ]);
    expect(s.administrators.map((a) => a.principal)).toEqual(['arn:aws:iam::1:role/Ops']);
  });

  it('notes Deny, NotAction and NotPrincipal statements', () => {
    const s = summarizeKeyPolicy(
      policy([
        { Sid: 'NoDelete', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion' },
        {
          Sid: 'Broad',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::1:role/X' },
          NotAction: 'kms:Decrypt',
        },
      ]),
    );
    if (!s.ok) throw new Error(s.reason);
    expect(s.notes).toHaveLength(2);
    expect(s.notes[0]).toContain('"NoDelete" denies kms:ScheduleKeyDeletion');
    expect(s.administrators.map((a) => a.principal)).toEqual(['arn:aws:iam::1:role/X']);
    // NotAction kms:Decrypt still allows Encrypt and GenerateDataKey: a user
    expect(s.users.map((a) => a.principal)).toEqual(['arn:aws:iam::1:role/X']);
  });

  it('reports a policy it cannot read instead of guessing', () => {
    expect(summarizeKeyPolicy('{not json').ok).toBe(false);
    expect(summarizeKeyPolicy('[]')).toEqual({ ok: false, reason: 'the key policy is not a JSON object' });
    expect(summarizeKeyPolicy('{"Statement": []}')).toEqual({
      ok: false,
      reason: 'the key policy has no statements',
    });
  });

  it('labels account roots as delegating to IAM', () => {
    expect(describePrincipal('arn:aws:iam::111122223333:root')).toContain(
      'account 111122223333, via IAM policies',
    );
    expect(describePrincipal('*')).toBe('* (any principal)');
  });
});
