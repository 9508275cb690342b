import { startConfigRecorder } from '../support/config-recorder.ts';
import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
} from '@aws-sdk/client-kms';
import { GetResourceConfigHistoryCommand } from '@aws-sdk/client-config-service';
import { CreateTrailCommand, StartLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/evaluate/types.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import {
  KMS_KEY_TYPE,
  TRAIL_TYPE,
  setConfigIdForm,
} from '../../src/sandbox/services/config/resource-history.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from '../collect/harness.ts';

/**
 * AWS's documentation does not show whether Config files a trail's configuration items under its
 * name or its ARN, nor a KMS key's under its key id or its ARN. The sandbox files them by name and
 * key id unless told otherwise; here it files both under their ARNs, and the period judgement must
 * still find and judge their history (resource-period-wire.test.ts covers the name form).
 */
const BASE = Math.floor(Date.now() / 86_400_000) * 86_400_000;
const D = (days: number) => new Date(BASE - days * 86_400_000).toISOString();
const PERIOD = { start: D(80), end: D(10) };

let h: Harness;
let snapshot: Snapshot;
let evaluation: Evaluation;
let keyId = '';
let keyArn = '';
const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const at = (iso: string) => h.sandbox.state.setNow(new Date(iso));

beforeAll(async () => {
  h = await startHarness();
  const account = h.sandbox.state.account(ACCOUNT);
  setConfigIdForm(account, TRAIL_TYPE, 'arn');
  setConfigIdForm(account, KMS_KEY_TYPE, 'arn');
  at(D(85));
  const s3 = h.s3();
  const cfg = h.config();
  await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
  await startConfigRecorder(cfg, ACCOUNT);
  const kms = h.kms();
  const created = await kms.send(new CreateKeyCommand({ Description: 'data' }));
  keyId = created.KeyMetadata?.KeyId ?? '';
  keyArn = created.KeyMetadata?.Arn ?? '';
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/data', TargetKeyId: keyId }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  await s3.send(new CreateBucketCommand({ Bucket: 'enc-data' }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: 'enc-data',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId } }],
      },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'trail-logs',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: 'arn:aws:s3:::trail-logs',
          },
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::trail-logs/AWSLogs/${ACCOUNT}/*`,
          },
        ],
      }),
    }),
  );
  const trail = h.cloudtrail();
  await trail.send(
    new CreateTrailCommand({
      Name: 'main',
      S3BucketName: 'trail-logs',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    }),
  );
  await trail.send(new StartLoggingCommand({ Name: 'main' }));
  at(D(50));
  await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
  at(D(45));
  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  at(D(40));
  await trail.send(new UpdateTrailCommand({ Name: 'main', EnableLogFileValidation: false }));
  at(D(38));
  await trail.send(new UpdateTrailCommand({ Name: 'main', EnableLogFileValidation: true }));
  h.sandbox.state.useRealTime();
  const config = testConfig({ regions: ['us-east-1'], period: PERIOD });
  snapshot = await collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0',
    runId: 'idforms',
  });
  evaluation = await evaluate(snapshot, config);
}, 120_000);

afterAll(async () => {
  await h.close();
});

const check = (type: string, name: string, checkId: string) =>
  evaluation.period?.resources
    ?.find((r) => r.resourceType === type && r.name === name)
    ?.checks.find((c) => c.checkId === checkId);

describe('a trail and a KMS key whose Config items carry their ARN as resource id', () => {
  it('the sandbox files them under the ARN: Config knows no item under the name or key id', async () => {
    const byName = h
      .config()
      .send(new GetResourceConfigHistoryCommand({ resourceType: TRAIL_TYPE, resourceId: 'main' }));
    await expect(byName).rejects.toMatchObject({ name: 'ResourceNotDiscoveredException' });
    const byArn = await h
      .config()
      .send(new GetResourceConfigHistoryCommand({ resourceType: TRAIL_TYPE, resourceId: trailArn }));
    expect(byArn.configurationItems?.[0]).toMatchObject({ resourceId: trailArn, resourceName: 'main' });
  });

  it('reads the trail history under its ARN after the name is unknown, citing both attempts', () => {
    const history = snapshot.accounts[0]?.resourceHistory?.find((r) => r.resourceType === TRAIL_TYPE);
    expect(history?.resourceId).toBe(trailArn);
    expect(history?.items.status).toBe('ok');
    const ops = history?.pages.map((p) => p.operation) ?? [];
    expect(ops.length).toBeGreaterThan(1);
    expect(ops.every((o) => o === 'GetResourceConfigHistory')).toBe(true);
    const v = check(TRAIL_TYPE, 'main', 'cloudtrail.log-file-validation');
    expect(v?.status).toBe('broken');
    expect(v?.brokenWindows.map((w) => [w.from, w.to])).toEqual([[D(40), D(38)]]);
  });

  it('reads the key history under its ARN after the key id is unknown, and judges rotation from it', () => {
    const history = snapshot.accounts[0]?.resourceHistory?.find((r) => r.resourceType === KMS_KEY_TYPE);
    expect(history?.resourceId).toBe(keyArn);
    expect(history?.items.status).toBe('ok');
    const rot = check(KMS_KEY_TYPE, 'alias/data', 'kms.rotation-enabled');
    expect(rot?.status).toBe('broken');
    expect(rot?.brokenWindows.map((w) => [w.from, w.to])).toEqual([[D(50), D(45)]]);
  });
});
