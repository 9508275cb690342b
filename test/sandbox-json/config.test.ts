import {
  DeleteConfigRuleCommand,
  DescribeComplianceByConfigRuleCommand,
  DescribeConfigRulesCommand,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import type { BucketLocationConstraint, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { clientsFor, errorOf } from './helpers.ts';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox.close());

const ROLE = 'arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig';

async function createBucket(s3: S3Client, name: string, region: string): Promise<void> {
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
}

/** Recorder + delivery channel, recording. */
async function recording(config: ConfigServiceClient, s3: S3Client, region: string): Promise<void> {
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: { name: 'default', roleARN: ROLE, recordingGroup: { allSupported: true } },
    }),
  );
  await createBucket(s3, `config-delivery-${region}`, region);
  await config.send(
    new PutDeliveryChannelCommand({
      DeliveryChannel: { name: 'default', s3BucketName: `config-delivery-${region}` },
    }),
  );
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}

function publicReadPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });
}

describe('Config recorder', () => {
  it('goes from absent to recording through the AWS calls and their errors', async () => {
    const { config, s3 } = clientsFor(sandbox, 'us-west-1');
    expect((await config.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders).toEqual(
      [],
    );
    expect(
      (
        await errorOf(
          config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' })),
        )
      ).name,
    ).toBe('NoSuchConfigurationRecorderException');
    expect(
      (
        await errorOf(
          config.send(
            new PutConfigRuleCommand({
              ConfigRule: {
                ConfigRuleName: 'r',
                Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
              },
            }),
          ),
        )
      ).name,
    ).toBe('NoAvailableConfigurationRecorderException');
    await config.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: { name: 'default', roleARN: ROLE, recordingGroup: { allSupported: true } },
      }),
    );
    expect(
      (
        await errorOf(
          config.send(
            new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'second', roleARN: ROLE } }),
          ),
        )
      ).name,
    ).toBe('MaxNumberOfConfigurationRecordersExceededException');
    expect(
      (
        await errorOf(
          config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' })),
        )
      ).name,
    ).toBe('NoAvailableDeliveryChannelException');
    expect(
      (
        await errorOf(
          config.send(
            new PutDeliveryChannelCommand({
              DeliveryChannel: { name: 'default', s3BucketName: 'no-such-bucket-anywhere' },
            }),
          ),
        )
      ).name,
    ).toBe('NoSuchBucketException');
    await createBucket(s3, 'config-delivery-usw1', 'us-west-1');
    await config.send(
      new PutDeliveryChannelCommand({
        DeliveryChannel: { name: 'default', s3BucketName: 'config-delivery-usw1' },
      }),
    );
    const before = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
    expect(before.ConfigurationRecordersStatus?.[0]).toMatchObject({ name: 'default', recording: false });
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const status = (
      await config.send(
        new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: ['default'] }),
      )
    ).ConfigurationRecordersStatus?.[0];
    expect(status).toMatchObject({ recording: true, lastStatus: 'SUCCESS' });
    expect(status?.lastStartTime).toBeInstanceOf(Date);
    const recorders = await config.send(new DescribeConfigurationRecordersCommand({}));
    expect(recorders.ConfigurationRecorders?.[0]).toMatchObject({
      name: 'default',
      roleARN: ROLE,
      recordingGroup: { allSupported: true },
    });
    await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    const stopped = (await config.send(new DescribeConfigurationRecorderStatusCommand({})))
      .ConfigurationRecordersStatus?.[0];
    expect(stopped?.recording).toBe(false);
    expect(stopped?.lastStopTime).toBeInstanceOf(Date);
    expect(
      (
        await errorOf(
          config.send(new DescribeConfigurationRecordersCommand({ ConfigurationRecorderNames: ['nope'] })),
        )
      ).name,
    ).toBe('NoSuchConfigurationRecorderException');
  });
});

describe('Config rules', () => {
  it('pages DescribeConfigRules (25 per page), filters by name, deletes', async () => {
    const { config, s3 } = clientsFor(sandbox, 'eu-central-1');
    await recording(config, s3, 'eu-central-1');
    for (let i = 0; i < 27; i++) {
      await config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: `rule-${String(i).padStart(2, '0')}`,
            Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
          },
        }),
      );
    }
    const first = await config.send(new DescribeConfigRulesCommand({}));
    expect(first.ConfigRules).toHaveLength(25);
    const second = await config.send(new DescribeConfigRulesCommand({ NextToken: first.NextToken }));
    expect(second.ConfigRules?.map((r) => r.ConfigRuleName)).toEqual(['rule-25', 'rule-26']);
    expect(second.NextToken).toBeUndefined();
    const one = (await config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['rule-03'] })))
      .ConfigRules?.[0];
    expect(one).toMatchObject({
      ConfigRuleName: 'rule-03',
      ConfigRuleState: 'ACTIVE',
      Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
    });
    expect(one?.ConfigRuleArn).toMatch(
      /^arn:aws:config:eu-central-1:111122223333:config-rule\/config-rule-[a-z0-9]{6}$/,
    );
    expect(one?.ConfigRuleArn?.endsWith(one.ConfigRuleId ?? '?')).toBe(true);
    await config.send(new DeleteConfigRuleCommand({ ConfigRuleName: 'rule-03' }));
    for (const call of [
      config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['rule-03'] })),
      config.send(new DeleteConfigRuleCommand({ ConfigRuleName: 'rule-03' })),
      config.send(new DescribeComplianceByConfigRuleCommand({ ConfigRuleNames: ['rule-03'] })),
      config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'rule-03' })),
      config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['rule-03'] })),
    ]) {
      expect(await errorOf(call)).toMatchObject({ name: 'NoSuchConfigRuleException', status: 400 });
    }
  });

  it('evaluates managed rules from the S3 state, and keeps stale results until the next evaluation', async () => {
    const { config, s3 } = clientsFor(sandbox, 'ap-northeast-1');
    await recording(config, s3, 'ap-northeast-1');
    for (const b of ['apne-a', 'apne-b', 'apne-c']) await createBucket(s3, b, 'ap-northeast-1');
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'apne-b' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'apne-b', Policy: publicReadPolicy('apne-b') }));
    for (const [name, id] of [
      ['read', 'S3_BUCKET_PUBLIC_READ_PROHIBITED'],
      ['write', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED'],
      ['sse', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'],
      ['tls', 'S3_BUCKET_SSL_REQUESTS_ONLY'],
    ] as const) {
      await config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: name,
            Source: { Owner: 'AWS', SourceIdentifier: id },
            Scope: { ComplianceResourceTypes: ['AWS::S3::Bucket'] },
          },
        }),
      );
    }
    const compliance = async (rule: string) =>
      Object.fromEntries(
        (
          (
            await config.send(
              new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: rule, Limit: 100 }),
            )
          ).EvaluationResults ?? []
        )
          .filter((r) =>
            r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId?.startsWith('apne-'),
          )
          .map((r) => [
            r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId,
            r.ComplianceType,
          ]),
      );
    expect(await compliance('read')).toEqual({
      'apne-a': 'COMPLIANT',
      'apne-b': 'NON_COMPLIANT',
      'apne-c': 'COMPLIANT',
    });
    expect(await compliance('write')).toEqual({
      'apne-a': 'COMPLIANT',
      'apne-b': 'COMPLIANT',
      'apne-c': 'COMPLIANT',
    });
    expect(await compliance('sse')).toEqual({
      'apne-a': 'COMPLIANT',
      'apne-b': 'COMPLIANT',
      'apne-c': 'COMPLIANT',
    });
    expect((await compliance('tls'))['apne-a']).toBe('NON_COMPLIANT');

    const summary = await config.send(
      new DescribeComplianceByConfigRuleCommand({ ConfigRuleNames: ['read', 'write'] }),
    );
    expect(summary.ComplianceByConfigRules).toEqual([
      {
        ConfigRuleName: 'read',
        Compliance: {
          ComplianceType: 'NON_COMPLIANT',
          ComplianceContributorCount: { CappedCount: 1, CapExceeded: false },
        },
      },
      { ConfigRuleName: 'write', Compliance: { ComplianceType: 'COMPLIANT' } },
    ]);
    const onlyBad = await config.send(
      new DescribeComplianceByConfigRuleCommand({ ComplianceTypes: ['NON_COMPLIANT'] }),
    );
    expect(onlyBad.ComplianceByConfigRules?.map((c) => c.ConfigRuleName)).toContain('read');
    expect(onlyBad.ComplianceByConfigRules?.map((c) => c.ConfigRuleName)).not.toContain('write');

    const firstRun = (
      await config.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: 'read',
          ComplianceTypes: ['NON_COMPLIANT'],
        }),
      )
    ).EvaluationResults?.[0];
    expect(firstRun).toMatchObject({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: 'read',
          ResourceType: 'AWS::S3::Bucket',
          ResourceId: 'apne-b',
        },
      },
      ComplianceType: 'NON_COMPLIANT',
    });
    expect(firstRun?.ResultRecordedTime).toBeInstanceOf(Date);
    expect(firstRun?.ConfigRuleInvokedTime).toBeInstanceOf(Date);

    // apne-a becomes public; without a new evaluation Config still reports the old result.
    sandbox.state.advance(60_000);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'apne-a' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'apne-a', Policy: publicReadPolicy('apne-a') }));
    expect((await compliance('read'))['apne-a']).toBe('COMPLIANT');
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['read'] }));
    expect((await compliance('read'))['apne-a']).toBe('NON_COMPLIANT');
    const rerun = (
      await config.send(
        new GetComplianceDetailsByConfigRuleCommand({
          ConfigRuleName: 'read',
          ComplianceTypes: ['NON_COMPLIANT'],
        }),
      )
    ).EvaluationResults?.[0];
    expect(rerun?.ResultRecordedTime?.getTime()).toBeGreaterThan(
      firstRun?.ResultRecordedTime?.getTime() ?? Infinity,
    );
  });

  it('pages GetComplianceDetailsByConfigRule with Limit ≤ 100', async () => {
    const { config, s3 } = clientsFor(sandbox, 'ap-southeast-2');
    await recording(config, s3, 'ap-southeast-2');
    for (let i = 0; i < 4; i++) await createBucket(s3, `apse2-page-${i}`, 'ap-southeast-2');
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'sse',
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
        },
      }),
    );
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await config.send(
        new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'sse', Limit: 2, NextToken: token }),
      );
      pages++;
      expect(page.EvaluationResults?.length).toBeLessThanOrEqual(2);
      ids.push(
        ...(page.EvaluationResults ?? []).map(
          (r) => r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId ?? '',
        ),
      );
      token = page.NextToken;
    } while (token);
    // Five buckets: four created here plus the delivery channel's bucket.
    expect(ids.sort()).toEqual([
      'apse2-page-0',
      'apse2-page-1',
      'apse2-page-2',
      'apse2-page-3',
      'config-delivery-ap-southeast-2',
    ]);
    expect(pages).toBe(3);
    expect(
      (
        await errorOf(
          config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'sse', Limit: 101 })),
        )
      ).name,
    ).toBe('InvalidLimitException');
    expect(
      (
        await errorOf(
          config.send(
            new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'sse', NextToken: 'junk' }),
          ),
        )
      ).name,
    ).toBe('InvalidNextTokenException');
  });

  it('does not evaluate while the recorder is stopped', async () => {
    const { config, s3 } = clientsFor(sandbox, 'eu-west-3');
    await recording(config, s3, 'eu-west-3');
    await config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    await createBucket(s3, 'euw3-bucket', 'eu-west-3');
    await config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'sse',
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
        },
      }),
    );
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['sse'] }));
    expect(
      (await config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'sse' })))
        .EvaluationResults,
    ).toEqual([]);
    const summary = await config.send(
      new DescribeComplianceByConfigRuleCommand({ ConfigRuleNames: ['sse'] }),
    );
    expect(summary.ComplianceByConfigRules?.[0]?.Compliance?.ComplianceType).toBe('INSUFFICIENT_DATA');
  });
});

describe('Config resource history', () => {
  it('returns the bucket timeline recorded while recording, paged and ordered', async () => {
    const { config, s3 } = clientsFor(sandbox, 'us-east-2');
    await createBucket(s3, 'use2-history', 'us-east-2');
    expect(
      (
        await errorOf(
          config.send(
            new GetResourceConfigHistoryCommand({
              resourceType: 'AWS::S3::Bucket',
              resourceId: 'use2-history',
            }),
          ),
        )
      ).name,
    ).toBe('ResourceNotDiscoveredException');
    sandbox.state.advance(60_000);
    await recording(config, s3, 'us-east-2');
    sandbox.state.advance(60_000);
    await s3.send(
      new PutBucketTaggingCommand({
        Bucket: 'use2-history',
        Tagging: { TagSet: [{ Key: 'env', Value: 'prod' }] },
      }),
    );
    sandbox.state.advance(60_000);
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'use2-history' }));

    const forward = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::S3::Bucket',
        resourceId: 'use2-history',
        chronologicalOrder: 'Forward',
        limit: 2,
      }),
    );
    const items = forward.configurationItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      configurationItemStatus: 'ResourceDiscovered',
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'use2-history',
      awsRegion: 'us-east-2',
      arn: 'arn:aws:s3:::use2-history',
    });
    expect(items[1]?.configurationItemCaptureTime?.getTime()).toBeGreaterThan(
      items[0]?.configurationItemCaptureTime?.getTime() ?? Infinity,
    );
    expect(forward.nextToken).toBeDefined();
    const rest = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::S3::Bucket',
        resourceId: 'use2-history',
        chronologicalOrder: 'Forward',
        limit: 2,
        nextToken: forward.nextToken,
      }),
    );
    const last = rest.configurationItems?.at(-1);
    expect(
      JSON.parse(last?.supplementaryConfiguration?.PublicAccessBlockConfiguration ?? '"missing"'),
    ).toBeNull();

    const newestFirst = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::S3::Bucket',
        resourceId: 'use2-history',
        limit: 1,
      }),
    );
    expect(newestFirst.configurationItems?.[0]?.configurationItemCaptureTime).toEqual(
      last?.configurationItemCaptureTime,
    );

    const window = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::S3::Bucket',
        resourceId: 'use2-history',
        earlierTime: items[1]?.configurationItemCaptureTime,
        laterTime: items[1]?.configurationItemCaptureTime,
      }),
    );
    expect(window.configurationItems?.map((i) => i.configurationItemCaptureTime)).toEqual([
      items[1]?.configurationItemCaptureTime,
    ]);
    expect(
      (
        await errorOf(
          config.send(
            new GetResourceConfigHistoryCommand({
              resourceType: 'AWS::S3::Bucket',
              resourceId: 'never-existed',
            }),
          ),
        )
      ).name,
    ).toBe('ResourceNotDiscoveredException');
  });
});
