import { startConfigRecorder } from '../support/config-recorder.ts';
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import {
  GetResourceConfigHistoryCommand,
  PutConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { Evaluation } from '../../src/evaluate/types.ts';
import type { PeriodMonitoringResult } from '../../src/period/types.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from '../collect/harness.ts';

const DAY = 86_400_000;
// Inside CloudTrail's 90-day event history, so the events that open and close each gap are read.
const NOW = Date.now();
const day = (n: number) => new Date(NOW - n * DAY);
const PERIOD = { start: day(80).toISOString(), end: day(5).toISOString() };
const ALL_ON = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

const trailPolicy = JSON.stringify({
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
});
const publicRead = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::exposed/*' },
  ],
});

let h: Harness;
let evaluation: Evaluation;

/** Trails, the recorder and a rule changed over the wire with the sandbox clock set back. */
beforeAll(async () => {
  h = await startHarness();
  const at = (n: number) => h.sandbox.state.setNow(day(n));
  const s3 = h.s3();
  const cfg = h.config();
  const ct = h.cloudtrail();
  at(100);
  await s3.send(new CreateBucketCommand({ Bucket: 'config-logs' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'trail-logs', Policy: trailPolicy }));
  await s3.send(new CreateBucketCommand({ Bucket: 'exposed' }));
  await startConfigRecorder(cfg, ACCOUNT);
  await cfg.send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: 'public-read',
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
      },
    }),
  );
  await ct.send(
    new CreateTrailCommand({ Name: 'steady', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }),
  );
  await ct.send(new StartLoggingCommand({ Name: 'steady' }));
  // Created before the period, logging only from 40 days ago.
  await ct.send(
    new CreateTrailCommand({ Name: 'late', S3BucketName: 'trail-logs', IsMultiRegionTrail: true }),
  );
  at(40);
  await ct.send(new StartLoggingCommand({ Name: 'late' }));

  // A bucket created inside the period, evaluated by the rule from then on.
  at(50);
  await s3.send(new CreateBucketCommand({ Bucket: 'fresh' }));
  await cfg.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['public-read'] }));

  // The recorder stopped for four days inside the period.
  at(30);
  await cfg.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  at(26);
  await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));

  // A bucket public for a week; the rule re-evaluated at each change.
  at(20);
  await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'exposed' }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: 'exposed', Policy: publicRead }));
  await cfg.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['public-read'] }));
  at(13);
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'exposed' }));
  await s3.send(
    new PutPublicAccessBlockCommand({ Bucket: 'exposed', PublicAccessBlockConfiguration: ALL_ON }),
  );
  await cfg.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['public-read'] }));

  h.sandbox.state.useRealTime();
  const config = testConfig({
    regions: ['us-east-1'],
    period: PERIOD,
    awsConfig: { requiredRules: ['S3_BUCKET_PUBLIC_READ_PROHIBITED'] },
  } as never);
  const snapshot = await collect({
    config,
    factory: h.factory,
    sink: h.sink,
    toolVersion: '0.0.0',
    runId: 'logging',
  });
  evaluation = await evaluate(snapshot, config);
}, 60_000);

afterAll(async () => {
  await h.close();
});

function monitoring(checkId: string, name: string): PeriodMonitoringResult | undefined {
  return evaluation.period?.monitoring?.find((m) => m.checkId === checkId && m.resource.name === name);
}

describe('logging over the period, over the wire', () => {
  it('holds for a trail that logged from before the period and was never stopped', () => {
    expect(monitoring('cloudtrail.multi-region-logging', 'steady')?.status).toBe('held');
  });

  it('breaks a trail that started logging after the period began, closed by its StartLogging event', () => {
    const r = monitoring('cloudtrail.multi-region-logging', 'late');
    expect(r?.status).toBe('broken');
    expect(r?.brokenWindows).toHaveLength(1);
    const w = r?.brokenWindows[0];
    expect(w?.from).toBe(PERIOD.start);
    expect(Math.abs(Date.parse(w?.to ?? '') - day(40).getTime())).toBeLessThan(2000);
    expect(w?.closed?.eventName).toBe('StartLogging');
    expect(w?.closed?.userArn).toMatch(/^arn:aws:/);
    expect(w?.closed?.requestId).toBeTruthy();
    // Today the trail logs: the check passes on the day of the pack, the gap is a deviation finding.
    const today = evaluation.findings.filter(
      (f) => f.checkId === 'cloudtrail.multi-region-logging' && !f.deviation,
    );
    expect(today.every((f) => f.status === 'pass')).toBe(true);
    const deviation = evaluation.findings.find(
      (f) => f.checkId === 'cloudtrail.multi-region-logging' && f.deviation && f.resource.name === 'late',
    );
    expect(deviation?.status).toBe('fail');
    expect(deviation?.reason).toContain('Closed by StartLogging');
  });

  it('breaks the recorder for the days it was stopped, with the events that stopped and restarted it', () => {
    const r = monitoring('config.recorder-active', 'AWS Config us-east-1');
    expect(r?.status).toBe('broken');
    const w = r?.brokenWindows[0];
    expect(w?.opened?.eventName).toBe('StopConfigurationRecorder');
    expect(w?.closed?.eventName).toBe('StartConfigurationRecorder');
    expect(Date.parse(w?.to ?? '') - Date.parse(w?.from ?? '')).toBeGreaterThan(4 * DAY - 5000);
    expect(Date.parse(w?.to ?? '') - Date.parse(w?.from ?? '')).toBeLessThan(4 * DAY + 5000);
  });

  it('breaks rule compliance for the week Config reported the bucket NON_COMPLIANT', () => {
    const r = monitoring('config.rule-compliant', 'exposed');
    expect(r?.status).toBe('broken');
    expect(r?.brokenWindows).toHaveLength(1);
    const w = r?.brokenWindows[0];
    expect(Math.abs(Date.parse(w?.from ?? '') - day(20).getTime())).toBeLessThan(2000);
    expect(Math.abs(Date.parse(w?.to ?? '') - day(13).getTime())).toBeLessThan(2000);
    expect(w?.reason).toContain('"public-read" reported NON_COMPLIANT');
    // The compliance records it used are cited (GetResourceConfigHistory calls).
    expect(w?.evidence?.every((e) => e.operation === 'GetResourceConfigHistory')).toBe(true);
  });

  it("serves compliance items as AWS's Config guide shows them (resource id, relationship, configuration)", async () => {
    const out = await h.config().send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::Config::ResourceCompliance',
        resourceId: 'AWS::S3::Bucket/exposed',
      }),
    );
    const item = out.configurationItems?.[0];
    expect(item?.resourceId).toBe('AWS::S3::Bucket/exposed');
    expect(item?.relationships?.[0]).toMatchObject({
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'exposed',
    });
    const conf = JSON.parse(item?.configuration ?? '{}') as Record<string, unknown>;
    expect(conf).toMatchObject({ targetResourceId: 'exposed', targetResourceType: 'AWS::S3::Bucket' });
    expect(['COMPLIANT', 'NON_COMPLIANT']).toContain(conf.complianceType);
    const rule = (conf.configRuleList as Record<string, unknown>[])[0];
    expect(Object.keys(rule ?? {}).sort()).toEqual([
      'complianceType',
      'configRuleArn',
      'configRuleId',
      'configRuleName',
    ]);
  });

  it('says a bucket created during the period was created then, not that its results are missing', () => {
    const r = monitoring('config.rule-compliant', 'fresh');
    expect(r?.status).toBe('unknown');
    expect(r?.status === 'unknown' && r.cause).toBe('created-during-period');
    expect(r?.reason).toMatch(
      new RegExp(`created on ${day(50).toISOString().slice(0, 10)}.*resourceCreationTime.*inside the period`),
    );
    expect(r?.reason).not.toMatch(/no recorded result/);
  });

  it('holds rule compliance for a bucket that stayed compliant', () => {
    expect(monitoring('config.rule-compliant', 'trail-logs')?.status).toBe('held');
  });
});
