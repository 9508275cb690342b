import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliWords, kebab, renderShell, shellQuote } from '../../src/remediate/render.ts';
import { PLAN_SCHEMA, type RemediationPlan } from '../../src/remediate/types.ts';

describe('shell rendering of a plan', () => {
  it('quotes hostile words so the shell passes them through unchanged', () => {
    const hostile = [`a'b`, '$(touch /tmp/pwned)', '`id`', 'x; rm -rf /', '{"Sid":"a b"}', "'", ''];
    for (const word of hostile) {
      const echoed = execFileSync('sh', ['-c', `printf %s ${shellQuote(word)}`]).toString();
      expect(echoed).toBe(word);
    }
  });

  it('derives CLI names from the API members', () => {
    expect(kebab('PutBucketEncryption')).toBe('put-bucket-encryption');
    expect(kebab('RotationPeriodInDays')).toBe('rotation-period-in-days');
    expect(
      cliWords({
        service: 'kms',
        operation: 'EnableKeyRotation',
        accountId: '111122223333',
        region: 'us-east-1',
        input: { KeyId: 'k', RotationPeriodInDays: 365 },
      }),
    ).toEqual([
      'aws',
      'kms',
      'enable-key-rotation',
      '--key-id',
      'k',
      '--rotation-period-in-days',
      '365',
      '--region',
      'us-east-1',
    ]);
  });

  it('keeps finding text from a pack inside comments (no line break escapes a comment)', () => {
    const plan: RemediationPlan = {
      schema: PLAN_SCHEMA,
      runId: 'r\n$(id)',
      steps: [
        {
          fixes: [
            {
              checkId: 's3.tls-only',
              resourceArn: 'arn:aws:s3:::b',
              resourceName: 'b\nrm -rf ~',
              reason: 'x\r\ntouch /tmp/p',
            },
          ],
          summary: 'do\u2028it',
        },
      ],
    };
    for (const line of renderShell(plan, 'p\n.zip').split('\n'))
      expect(line === '' || line.startsWith('#') || line === 'set -eu').toBe(true);
  });
});
