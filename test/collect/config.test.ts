import { startConfigRecorder } from '../support/config-recorder.ts';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { PutConfigRuleCommand } from '@aws-sdk/client-config-service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectConfigRegion } from '../../src/collect/config.ts';
import { ACCOUNT, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function recordingAccount(): Promise<void> {
  const cfg = h.config();
  await startConfigRecorder(cfg, ACCOUNT);
}

async function managedRule(name: string, identifier: string): Promise<void> {
  await h.config().send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: name,
        Source: { Owner: 'AWS', SourceIdentifier: identifier },
        Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
      },
    }),
  );
}

describe('collectConfigRegion over HTTP', () => {
  it('reads recorders, every page of rules, and every page of results of the S3 managed rules', async () => {
    const s3 = h.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
    for (let i = 0; i < 130; i += 26) {
      await Promise.all(
        Array.from({ length: 26 }, (_, j) =>
          s3.send(new CreateBucketCommand({ Bucket: `data-${String(i + j).padStart(3, '0')}` })),
        ),
      );
    }
    await recordingAccount();
    await managedRule('encryption-renamed-by-pack', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED');
    await managedRule('public-read', 'S3_BUCKET_PUBLIC_READ_PROHIBITED');
    await managedRule('iam-users', 'IAM_USER_MFA_ENABLED');
    for (let i = 0; i < 25; i++) {
      await h.config().send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: `custom-${i}`,
            Source: {
              Owner: 'CUSTOM_LAMBDA',
              SourceIdentifier: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:check-${i}`,
              SourceDetails: [
                { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
              ],
            },
          },
        }),
      );
    }
    h.sandbox.faults.resetStats();

    const snap = await collectConfigRegion(h.factory, ACCOUNT, 'us-east-1');
    expect(snap.recorders).toMatchObject({ status: 'ok', value: [{ name: 'default', allSupported: true }] });
    expect(snap.recorderStatus).toMatchObject({
      status: 'ok',
      value: [{ name: 'default', recording: true }],
    });
    expect(snap.rules.status === 'ok' && snap.rules.value.length).toBe(28);
    expect(h.requests('config', 'DescribeConfigRules')).toBe(2);

    // Only AWS managed S3 rules are asked for results, identified by identifier, not by name.
    expect(snap.results.map((r) => r.sourceIdentifier).sort()).toEqual([
      'S3_BUCKET_PUBLIC_READ_PROHIBITED',
      'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
    ]);
    const enc = snap.results.find((r) => r.ruleName === 'encryption-renamed-by-pack');
    expect(enc?.evaluations.status).toBe('ok');
    if (enc?.evaluations.status !== 'ok') throw new Error('no evaluations');
    expect(enc.evaluations.value).toHaveLength(131);
    expect(enc.evaluations.value[0]).toMatchObject({
      resourceType: 'AWS::S3::Bucket',
      complianceType: 'COMPLIANT',
    });
    expect(enc.evaluations.value.every((e) => e.resultRecordedTime && e.configRuleInvokedTime)).toBe(true);
    expect(h.requests('config', 'GetComplianceDetailsByConfigRule')).toBe(4);
  });

  it('keeps a denied rule result as a gap for that rule only', async () => {
    await h.s3().send(new CreateBucketCommand({ Bucket: 'config-logs' }));
    await recordingAccount();
    await managedRule('enc', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED');
    await managedRule('read', 'S3_BUCKET_PUBLIC_READ_PROHIBITED');
    h.addFault({
      service: 'config',
      operation: 'GetComplianceDetailsByConfigRule',
      resource: 'enc',
      kind: 'AccessDenied',
    });

    const snap = await collectConfigRegion(h.factory, ACCOUNT, 'us-east-1');
    expect(snap.results.find((r) => r.ruleName === 'enc')?.evaluations).toMatchObject({
      status: 'denied',
      errorCode: 'AccessDeniedException',
    });
    expect(snap.results.find((r) => r.ruleName === 'read')?.evaluations.status).toBe('ok');
  });

  it('reports an empty region as ok-and-empty, and a failed rule listing as an error without results', async () => {
    const empty = await collectConfigRegion(h.factory, ACCOUNT, 'eu-west-1');
    expect(empty.recorders).toMatchObject({ status: 'ok', value: [] });
    expect(empty.rules).toMatchObject({ status: 'ok', value: [] });

    h.addFault({ service: 'config', operation: 'DescribeConfigRules', kind: 'ServiceUnavailable' });
    const failed = await collectConfigRegion(h.factory, ACCOUNT, 'eu-west-1');
    expect(failed.rules.status).toBe('error');
    expect(failed.results).toEqual([]);
  });
});
