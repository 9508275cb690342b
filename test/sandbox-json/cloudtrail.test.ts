import {
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAliasCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { BucketLocationConstraint, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { setLookupEventsRateLimit } from '../../src/sandbox/services/cloudtrail.ts';
import { ACCOUNT, clientsFor, errorOf } from './helpers.ts';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  setLookupEventsRateLimit(sandbox.state, null);
});
afterAll(async () => sandbox.close());

/** A bucket CloudTrail may deliver to (the policy AWS requires before CreateTrail). */
async function trailBucket(s3: S3Client, name: string, region: string): Promise<void> {
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
    }),
  );
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: name,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AclCheck',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: `arn:aws:s3:::${name}`,
          },
          {
            Sid: 'Write',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${name}/AWSLogs/${ACCOUNT}/*`,
          },
        ],
      }),
    }),
  );
}

describe('CloudTrail trails', () => {
  it('creates a trail after checking name, bucket, bucket policy and KMS key', async () => {
    const { trail, s3, kms } = clientsFor(sandbox, 'us-east-1');
    expect(
      (await errorOf(trail.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'ct-missing-bucket' }))))
        .name,
    ).toBe('S3BucketDoesNotExistException');
    await s3.send(new CreateBucketCommand({ Bucket: 'ct-no-policy' }));
    expect(
      (await errorOf(trail.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'ct-no-policy' }))))
        .name,
    ).toBe('InsufficientS3BucketPolicyException');
    await trailBucket(s3, 'ct-logs-use1', 'us-east-1');
    expect(
      (await errorOf(trail.send(new CreateTrailCommand({ Name: 'a', S3BucketName: 'ct-logs-use1' })))).name,
    ).toBe('InvalidTrailNameException');
    expect(
      (
        await errorOf(
          trail.send(
            new CreateTrailCommand({ Name: 'main', S3BucketName: 'ct-logs-use1', KmsKeyId: 'alias/none' }),
          ),
        )
      ).name,
    ).toBe('KmsKeyNotFoundException');
    const keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/trail-logs', TargetKeyId: keyArn }));
    const created = await trail.send(
      new CreateTrailCommand({
        Name: 'main',
        S3BucketName: 'ct-logs-use1',
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        KmsKeyId: 'alias/trail-logs',
      }),
    );
    expect(created).toMatchObject({
      Name: 'main',
      TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`,
      IsMultiRegionTrail: true,
      LogFileValidationEnabled: true,
      IncludeGlobalServiceEvents: true,
      KmsKeyId: keyArn,
      IsOrganizationTrail: false,
    });
    expect(
      (await errorOf(trail.send(new CreateTrailCommand({ Name: 'main', S3BucketName: 'ct-logs-use1' }))))
        .name,
    ).toBe('TrailAlreadyExistsException');
    expect(
      (
        await errorOf(
          trail.send(
            new CreateTrailCommand({
              Name: 'bad-combo',
              S3BucketName: 'ct-logs-use1',
              IsMultiRegionTrail: true,
              IncludeGlobalServiceEvents: false,
            }),
          ),
        )
      ).name,
    ).toBe('InvalidParameterCombinationException');
  });

  it('lists multi-region trails as shadow trails in every region, with their home region', async () => {
    const use1 = clientsFor(sandbox, 'us-east-1');
    const euw1 = clientsFor(sandbox, 'eu-west-1');
    await trailBucket(euw1.s3, 'ct-logs-euw1', 'eu-west-1');
    await euw1.trail.send(new CreateTrailCommand({ Name: 'eu-only', S3BucketName: 'ct-logs-euw1' }));

    const inEu = (await euw1.trail.send(new DescribeTrailsCommand({}))).trailList ?? [];
    expect(inEu.map((t) => [t.Name, t.HomeRegion])).toEqual([
      ['eu-only', 'eu-west-1'],
      ['main', 'us-east-1'],
    ]);
    const withoutShadows =
      (await euw1.trail.send(new DescribeTrailsCommand({ includeShadowTrails: false }))).trailList ?? [];
    expect(withoutShadows.map((t) => t.Name)).toEqual(['eu-only']);
    const inUs = (await use1.trail.send(new DescribeTrailsCommand({}))).trailList ?? [];
    expect(inUs.map((t) => t.Name)).toEqual(['main']);
    const byArn = await use1.trail.send(
      new DescribeTrailsCommand({
        trailNameList: [`arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/eu-only`, 'unknown'],
      }),
    );
    expect(byArn.trailList).toEqual([]);
    const byName = await euw1.trail.send(new DescribeTrailsCommand({ trailNameList: ['eu-only'] }));
    expect(byName.trailList?.[0]).toMatchObject({
      Name: 'eu-only',
      IsMultiRegionTrail: false,
      HasCustomEventSelectors: false,
      S3BucketName: 'ct-logs-euw1',
    });
  });

  it('reports logging status; a shadow trail answers by ARN, and changes need the home region', async () => {
    const use1 = clientsFor(sandbox, 'us-east-1').trail;
    const apse1 = clientsFor(sandbox, 'ap-southeast-1').trail;
    const arn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
    expect(await errorOf(use1.send(new GetTrailStatusCommand({ Name: 'nope' })))).toMatchObject({
      name: 'TrailNotFoundException',
      status: 400,
    });
    expect((await use1.send(new GetTrailStatusCommand({ Name: 'main' }))).IsLogging).toBe(false);
    await use1.send(new StartLoggingCommand({ Name: 'main' }));
    const status = await use1.send(new GetTrailStatusCommand({ Name: 'main' }));
    expect(status.IsLogging).toBe(true);
    expect(status.StartLoggingTime).toBeInstanceOf(Date);
    expect(status.LatestDeliveryTime).toBeInstanceOf(Date);
    expect(status.LatestDigestDeliveryTime).toBeInstanceOf(Date);
    expect((await apse1.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging).toBe(true);
    expect((await errorOf(apse1.send(new GetTrailStatusCommand({ Name: 'main' })))).name).toBe(
      'TrailNotFoundException',
    );
    expect((await errorOf(apse1.send(new StopLoggingCommand({ Name: arn })))).name).toBe(
      'InvalidHomeRegionException',
    );
    await use1.send(new StopLoggingCommand({ Name: arn }));
    const stopped = await use1.send(new GetTrailStatusCommand({ Name: 'main' }));
    expect(stopped.IsLogging).toBe(false);
    expect(stopped.StopLoggingTime).toBeInstanceOf(Date);
  });

  it('keeps classic or advanced event selectors, one replacing the other', async () => {
    const trail = clientsFor(sandbox, 'eu-west-1').trail;
    expect((await trail.send(new GetEventSelectorsCommand({ TrailName: 'eu-only' }))).EventSelectors).toEqual(
      [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [],
          ExcludeManagementEventSources: [],
        },
      ],
    );
    const classic = [
      {
        ReadWriteType: 'WriteOnly' as const,
        IncludeManagementEvents: true,
        ExcludeManagementEventSources: ['kms.amazonaws.com'],
        DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::ct-logs-euw1/'] }],
      },
    ];
    const put = await trail.send(
      new PutEventSelectorsCommand({ TrailName: 'eu-only', EventSelectors: classic }),
    );
    expect(put.EventSelectors).toEqual(classic);
    expect((await trail.send(new GetEventSelectorsCommand({ TrailName: 'eu-only' }))).EventSelectors).toEqual(
      classic,
    );
    expect(
      (await trail.send(new DescribeTrailsCommand({ trailNameList: ['eu-only'] }))).trailList?.[0]
        ?.HasCustomEventSelectors,
    ).toBe(true);

    const advanced = [
      {
        Name: 'S3 data events',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        ],
      },
    ];
    await trail.send(
      new PutEventSelectorsCommand({ TrailName: 'eu-only', AdvancedEventSelectors: advanced }),
    );
    const got = await trail.send(new GetEventSelectorsCommand({ TrailName: 'eu-only' }));
    expect(got.AdvancedEventSelectors).toEqual(advanced);
    expect(got.EventSelectors).toBeUndefined();
    expect(
      (
        await errorOf(
          trail.send(
            new PutEventSelectorsCommand({
              TrailName: 'eu-only',
              EventSelectors: classic,
              AdvancedEventSelectors: advanced,
            }),
          ),
        )
      ).name,
    ).toBe('InvalidParameterCombinationException');
    expect(
      (
        await errorOf(
          trail.send(
            new PutEventSelectorsCommand({
              TrailName: 'eu-only',
              EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['bucket'] }] }],
            }),
          ),
        )
      ).name,
    ).toBe('InvalidEventSelectorsException');
  });

  it('updates and deletes a trail in its home region', async () => {
    const trail = clientsFor(sandbox, 'eu-west-1').trail;
    const updated = await trail.send(
      new UpdateTrailCommand({ Name: 'eu-only', EnableLogFileValidation: true, S3KeyPrefix: 'eu' }),
    );
    expect(updated).toMatchObject({ Name: 'eu-only', LogFileValidationEnabled: true, S3KeyPrefix: 'eu' });
    await trail.send(new DeleteTrailCommand({ Name: 'eu-only' }));
    expect((await errorOf(trail.send(new GetTrailStatusCommand({ Name: 'eu-only' })))).name).toBe(
      'TrailNotFoundException',
    );
    expect((await errorOf(trail.send(new DeleteTrailCommand({ Name: 'eu-only' })))).name).toBe(
      'TrailNotFoundException',
    );
  });
});

describe('CloudTrail LookupEvents', () => {
  /** Record `count` events a second apart, ending at the sandbox's now. */
  function seed(region: string, count: number, eventName = 'PutBucketPolicy'): Date[] {
    const end = sandbox.state.now().getTime();
    const times: Date[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const eventTime = new Date(end - i * 1000);
      times.push(eventTime);
      sandbox.state.recordEvent({
        eventName,
        eventSource: 's3.amazonaws.com',
        eventTime,
        awsRegion: region,
        accountId: ACCOUNT,
        userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice`,
        username: 'alice',
        accessKeyId: 'ASIAEXAMPLE',
        readOnly: false,
        resources: [{ type: 'AWS::S3::Bucket', name: `bucket-${i}` }],
        requestParameters: { bucketName: `bucket-${i}` },
      });
    }
    return times;
  }

  async function all(trail: CloudTrailClient, input: ConstructorParameters<typeof LookupEventsCommand>[0]) {
    const events = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await trail.send(new LookupEventsCommand({ ...input, NextToken: token }));
      pages++;
      expect(page.Events?.length ?? 0).toBeLessThanOrEqual(50);
      events.push(...(page.Events ?? []));
      token = page.NextToken;
    } while (token);
    return { events, pages };
  }

  it('pages 50 events at a time, newest first, only for the region asked', async () => {
    const trail = clientsFor(sandbox, 'me-south-1').trail;
    seed('me-south-1', 61);
    seed('me-central-1', 3);
    const { events, pages } = await all(trail, {});
    expect(pages).toBe(2);
    expect(events).toHaveLength(61);
    const times = events.map((e) => e.EventTime?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(events.map((e) => e.EventId)).size).toBe(61);
    const record = JSON.parse(events[0]?.CloudTrailEvent ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketPolicy',
      awsRegion: 'me-south-1',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/alice`,
        sessionContext: { sessionIssuer: { userName: 'Admin' } },
      },
      requestParameters: { bucketName: 'bucket-0' },
      resources: [{ type: 'AWS::S3::Bucket', ARN: 'bucket-0' }],
      eventID: events[0]?.EventId,
    });
    expect(events[0]).toMatchObject({
      Username: 'alice',
      ReadOnly: 'false',
      Resources: [{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'bucket-0' }],
    });
  });

  it('filters by one lookup attribute and a time range', async () => {
    const trail = clientsFor(sandbox, 'af-south-1').trail;
    const times = seed('af-south-1', 10, 'DeleteBucketPolicy');
    seed('af-south-1', 2, 'PutBucketAcl');
    const acl = await all(trail, {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutBucketAcl' }],
    });
    expect(acl.events.map((e) => e.EventName)).toEqual(['PutBucketAcl', 'PutBucketAcl']);
    const byResource = await all(trail, {
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'bucket-9' }],
    });
    expect(byResource.events.map((e) => e.EventName)).toEqual(['DeleteBucketPolicy']);
    const windowed = await all(trail, {
      StartTime: times[2],
      EndTime: times[4],
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DeleteBucketPolicy' }],
    });
    expect(windowed.events.map((e) => e.EventTime)).toEqual([times[4], times[3], times[2]]);
    expect((await errorOf(trail.send(new LookupEventsCommand({ MaxResults: 51 })))).name).toBe(
      'InvalidMaxResultsException',
    );
    expect(
      (await errorOf(trail.send(new LookupEventsCommand({ StartTime: times[4], EndTime: times[2] })))).name,
    ).toBe('InvalidTimeRangeException');
    expect(
      (
        await errorOf(
          trail.send(
            new LookupEventsCommand({
              LookupAttributes: [
                { AttributeKey: 'EventName', AttributeValue: 'a' },
                { AttributeKey: 'Username', AttributeValue: 'b' },
              ],
            }),
          ),
        )
      ).name,
    ).toBe('InvalidLookupAttributesException');
  });

  it('throttles a third request within a second per account and region', async () => {
    const local = await startSandbox();
    try {
      const trail = clientsFor(local, 'us-east-1').trail;
      const results = await Promise.allSettled([1, 2, 3].map(() => trail.send(new LookupEventsCommand({}))));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      expect(rejected.map((r) => (r.reason as Error).name)).toEqual(['ThrottlingException']);
      // Another region has its own budget.
      await clientsFor(local, 'eu-west-1').trail.send(new LookupEventsCommand({}));
    } finally {
      await local.close();
    }
  });
});
