import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
} from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand as PutAccountPabCommand } from '@aws-sdk/client-s3-control';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
} from '@aws-sdk/client-kms';
import {
  GetResourceConfigHistoryCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateTrailCommand, StartLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/evaluate/types.ts';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { findingsDocument } from '../../src/evaluate/findings-json.ts';
import type { PeriodResourceResult } from '../../src/period/types.ts';
import type { Snapshot } from '../../src/snapshot/model.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from '../collect/harness.ts';

// Relative to today: CloudTrail's event history (who made each change) covers the last 90 days.
const BASE = Math.floor(Date.now() / 86_400_000) * 86_400_000;
/** ISO time `days` before today (midnight UTC), plus `hours`. */
const D = (days: number, hours = 0) => new Date(BASE - days * 86_400_000 + hours * 3_600_000).toISOString();
const PERIOD = { start: D(80), end: D(10) };
const pab = (restrict: boolean) => ({
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: restrict,
});

let h: Harness;
let snapshot: Snapshot;
let evaluation: Evaluation;
const keys: Record<string, string> = {};

const at = (iso: string) => h.sandbox.state.setNow(new Date(iso));

async function keyFor(region: string, alias: string, bucket: string): Promise<string> {
  const kms = h.kms(region);
  const created = await kms.send(new CreateKeyCommand({ Description: alias }));
  const keyId = created.KeyMetadata?.KeyId ?? '';
  await kms.send(new CreateAliasCommand({ AliasName: `alias/${alias}`, TargetKeyId: keyId }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  const s3 = h.s3(region);
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyId } }],
      },
    }),
  );
  keys[alias] = keyId;
  return keyId;
}

async function recorder(region: string, recordingGroup: Record<string, unknown>): Promise<void> {
  const cfg = h.config(region);
  await cfg.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${ACCOUNT}:role/config`,
        recordingGroup,
      },
    }),
  );
  await cfg.send(
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'config-logs' } }),
  );
  await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}

/**
 * Changes made over the wire at pinned sandbox times: the sandbox's Config records each, the
 * collector reads the histories back, the period evaluation judges them. Today every setting is
 * compliant again.
 */
beforeAll(async () => {
  h = await startHarness();
  const s3 = h.s3();
  at(D(85));
  await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
  await recorder('us-east-1', { allSupported: true, includeGlobalResourceTypes: true });
  // eu-west-1 records buckets only: its keys have no Config history.
  await recorder('eu-west-1', { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] });
  await h
    .s3control()
    .send(new PutAccountPabCommand({ AccountId: ACCOUNT, PublicAccessBlockConfiguration: pab(true) }));
  await keyFor('us-east-1', 'data', 'enc-data');
  await keyFor('us-east-1', 'churn', 'enc-churn');
  await keyFor('eu-west-1', 'eu', 'enc-eu');
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

  // Inside the period.
  at(D(70));
  await keyFor('us-east-1', 'late', 'enc-late');
  at(D(60));
  await h
    .s3control()
    .send(new PutAccountPabCommand({ AccountId: ACCOUNT, PublicAccessBlockConfiguration: pab(false) }));
  at(D(58));
  await h
    .s3control()
    .send(new PutAccountPabCommand({ AccountId: ACCOUNT, PublicAccessBlockConfiguration: pab(true) }));
  at(D(50));
  await h.kms().send(new DisableKeyRotationCommand({ KeyId: keys.data }));
  at(D(45));
  await h.kms().send(new EnableKeyRotationCommand({ KeyId: keys.data }));
  at(D(40));
  await trail.send(new UpdateTrailCommand({ Name: 'main', EnableLogFileValidation: false }));
  at(D(38));
  await trail.send(new UpdateTrailCommand({ Name: 'main', EnableLogFileValidation: true }));
  // More than one page of history (Config pages at 100 items): rotation toggled every hour.
  for (let i = 0; i < 60; i++) {
    at(D(30, 2 * i));
    await h.kms().send(new DisableKeyRotationCommand({ KeyId: keys.churn }));
    at(D(30, 2 * i + 1));
    await h.kms().send(new EnableKeyRotationCommand({ KeyId: keys.churn }));
  }

  h.sandbox.state.useRealTime();
  const config = testConfig({ regions: ['us-east-1', 'eu-west-1'], period: PERIOD });
  snapshot = await collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0',
    runId: 'rperiod',
  });
  evaluation = await evaluate(snapshot, config);
}, 120_000);

afterAll(async () => {
  await h.close();
});

function resource(type: string, name: string): PeriodResourceResult | undefined {
  return evaluation.period?.resources?.find((r) => r.resourceType === type && r.name === name);
}

function check(type: string, name: string, checkId: string) {
  return resource(type, name)?.checks.find((c) => c.checkId === checkId);
}

describe('account Block Public Access, KMS keys and trails over the period, from AWS Config history', () => {
  it('records configuration items in AWS Config shape (JSON text, capture and creation times)', async () => {
    const out = await h
      .config()
      .send(
        new GetResourceConfigHistoryCommand({ resourceType: 'AWS::KMS::Key', resourceId: keys.data ?? '' }),
      );
    const item = out.configurationItems?.[0];
    expect(item?.configurationItemStatus).toBe('OK');
    expect(item?.resourceCreationTime).toBeInstanceOf(Date);
    expect(JSON.parse(item?.configuration ?? '{}')).toMatchObject({ keyId: keys.data, keyState: 'Enabled' });
    expect(item?.supplementaryConfiguration?.KeyRotationStatus).toBe('true');
  });

  it('marks account Block Public Access broken for the two days RestrictPublicBuckets was off, naming the calls', () => {
    const c = check('AWS::S3::AccountPublicAccessBlock', ACCOUNT, 's3.account-public-access-block');
    expect(c?.status).toBe('broken');
    expect(c?.brokenWindows.map((w) => [w.from, w.to])).toEqual([[D(60), D(58)]]);
    expect(c?.brokenWindows[0]?.reason).toContain('RestrictPublicBuckets');
    expect(c?.brokenWindows[0]?.opened?.eventName).toBe('PutAccountPublicAccessBlock');
    expect(c?.brokenWindows[0]?.closed?.eventName).toBe('PutAccountPublicAccessBlock');
    expect(c?.brokenWindows[0]?.opened?.userArn).toMatch(/^arn:aws:iam::/);
  });

  it('marks key rotation broken while it was disabled; key state held; the key policy unknown (not recorded)', () => {
    const rot = check('AWS::KMS::Key', 'alias/data', 'kms.rotation-enabled');
    expect(rot?.status).toBe('broken');
    expect(rot?.brokenWindows.map((w) => [w.from, w.to])).toEqual([[D(50), D(45)]]);
    expect(rot?.brokenWindows[0]?.opened?.eventName).toBe('DisableKeyRotation');
    expect(rot?.brokenWindows[0]?.closed?.eventName).toBe('EnableKeyRotation');
    expect(check('AWS::KMS::Key', 'alias/data', 'kms.key-usable')?.status).toBe('held');
    const pol = check('AWS::KMS::Key', 'alias/data', 'kms.key-policy-not-public');
    expect(pol).toMatchObject({ status: 'unknown', cause: 'not-in-config-item' });
    expect(pol?.reason).toContain('does not record the key policy');
  });

  it('says why a key is unknown: recorder not recording the type, key created during the period', () => {
    const eu = check('AWS::KMS::Key', 'alias/eu', 'kms.rotation-enabled');
    expect(eu).toMatchObject({ status: 'unknown', cause: 'not-recording' });
    expect(eu?.reason).toContain('does not record AWS::KMS::Key');
    const late = check('AWS::KMS::Key', 'alias/late', 'kms.key-usable');
    expect(late).toMatchObject({ status: 'unknown', cause: 'created-during-period' });
    expect(late?.reason).toContain(D(70).slice(0, 10));
  });

  it('marks trail log file validation broken for its gap; multi-region held', () => {
    const v = check('AWS::CloudTrail::Trail', 'main', 'cloudtrail.log-file-validation');
    expect(v?.status).toBe('broken');
    expect(v?.brokenWindows.map((w) => [w.from, w.to])).toEqual([[D(40), D(38)]]);
    expect(v?.brokenWindows[0]?.opened?.eventName).toBe('UpdateTrail');
    expect(check('AWS::CloudTrail::Trail', 'main', 'cloudtrail.multi-region-logging')?.status).toBe('held');
    expect(check('AWS::CloudTrail::Trail', 'main', 'cloudtrail.kms-events-logged')?.status).toBe('held');
  });

  it('reads each history under the resource id Config files it by: account id, key id, trail name', () => {
    const ids = new Map(snapshot.accounts[0]?.resourceHistory?.map((r) => [r.name, r.resourceId]));
    expect(ids.get(ACCOUNT)).toBe(ACCOUNT);
    expect(ids.get('alias/data')).toBe(keys.data);
    expect(ids.get('main')).toBe('main');
  });

  it('reads every page of a long history and cites each call', () => {
    const history = snapshot.accounts[0]?.resourceHistory?.find((r) => r.name === 'alias/churn');
    expect(history?.pages.length).toBeGreaterThanOrEqual(2);
    expect(history?.items.status === 'ok' && history.items.value.length).toBeGreaterThan(100);
    const rot = check('AWS::KMS::Key', 'alias/churn', 'kms.rotation-enabled');
    expect(rot?.brokenWindows).toHaveLength(60);
    const cited = new Set(rot?.evidence.map((e) => e.callId));
    for (const p of history?.pages ?? []) expect(cited.has(p.callId)).toBe(true);
  });

  it('makes each broken window a finding with the resource it is about', () => {
    const deviations = evaluation.findings.filter((f) => f.deviation);
    const of = (checkId: string, name: string) =>
      deviations.filter((f) => f.checkId === checkId && f.resource.name === name).length;
    expect(of('s3.account-public-access-block', ACCOUNT)).toBe(1);
    expect(of('kms.rotation-enabled', 'alias/data')).toBe(1);
    expect(of('cloudtrail.log-file-validation', 'main')).toBe(1);
    const trailFinding = deviations.find((f) => f.checkId === 'cloudtrail.log-file-validation');
    expect(trailFinding?.resource.type).toBe('AWS::CloudTrail::Trail');
    expect(trailFinding?.reason).toContain('UpdateTrail by arn:aws:iam::');
  });

  it('writes every resource verdict to findings.json, with its citations', () => {
    const doc = findingsDocument(snapshot, evaluation) as {
      period?: {
        resourceResults?: {
          checkId: string;
          resource: { name: string };
          status: string;
          evidence: unknown[];
        }[];
      };
    };
    const rows = doc.period?.resourceResults ?? [];
    expect(rows.length).toBe(evaluation.period?.resources?.flatMap((r) => r.checks).length);
    const rot = rows.find((r) => r.checkId === 'kms.rotation-enabled' && r.resource.name === 'alias/data');
    expect(rot?.status).toBe('broken');
    expect(rot?.evidence.length).toBeGreaterThan(0);
  });
});
