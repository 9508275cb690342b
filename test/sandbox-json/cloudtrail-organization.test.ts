import {
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { ACCOUNT, clientsFor, errorOf } from './helpers.ts';
import { clientsAs, setUpOrganization } from './org-helpers.ts';

let MEMBER = '';
let AUDIT = '';
const OUTSIDER = '999988887777';
const ORG_TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`;

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  const { s3 } = clientsFor(sandbox, 'us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: 'org-trail-logs' }));
  await s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'org-trail-logs',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: ['s3:GetBucketAcl', 's3:PutObject'],
            Resource: ['arn:aws:s3:::org-trail-logs', 'arn:aws:s3:::org-trail-logs/*'],
          },
        ],
      }),
    }),
  );
});
afterAll(async () => sandbox.close());

describe('CloudTrail organization trails', () => {
  it('refuses an organization trail outside an organization', async () => {
    const { trail } = clientsFor(sandbox, 'us-east-1');
    const error = await errorOf(
      trail.send(
        new CreateTrailCommand({
          Name: 'org-trail',
          S3BucketName: 'org-trail-logs',
          IsOrganizationTrail: true,
        }),
      ),
    );
    expect(error.name).toBe('OrganizationsNotInUseException');
  });

  it('lets only the management account or the delegated administrator create one', async () => {
    const org = await setUpOrganization(sandbox, ['member', 'audit'], {
      audit: ['cloudtrail.amazonaws.com'],
    });
    expect(org.management).toBe(ACCOUNT);
    MEMBER = org.ids['member'] ?? '';
    AUDIT = org.ids['audit'] ?? '';
    const member = await clientsAs(sandbox, MEMBER, 'us-east-1');
    const refused = await errorOf(
      member.trail.send(
        new CreateTrailCommand({
          Name: 'org-trail',
          S3BucketName: 'org-trail-logs',
          IsOrganizationTrail: true,
        }),
      ),
    );
    expect(refused.name).toBe('NotOrganizationMasterAccountException');

    const { trail } = clientsFor(sandbox, 'us-east-1');
    const created = await trail.send(
      new CreateTrailCommand({
        Name: 'org-trail',
        S3BucketName: 'org-trail-logs',
        IsOrganizationTrail: true,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
      }),
    );
    expect(created).toMatchObject({ TrailARN: ORG_TRAIL_ARN, IsOrganizationTrail: true });
    await trail.send(new StartLoggingCommand({ Name: 'org-trail' }));

    // A trail the delegated administrator creates belongs to the management account.
    const audit = await clientsAs(sandbox, AUDIT, 'eu-west-1');
    const byAdmin = await audit.trail.send(
      new CreateTrailCommand({ Name: 'org-eu', S3BucketName: 'org-trail-logs', IsOrganizationTrail: true }),
    );
    expect(byAdmin.TrailARN).toBe(`arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-eu`);
  });

  it('shows the trail to member accounts as a shadow trail with its home account and region', async () => {
    const member = await clientsAs(sandbox, MEMBER, 'ap-southeast-1');
    const listed = (await member.trail.send(new DescribeTrailsCommand({}))).trailList ?? [];
    // The single-region eu-west-1 organization trail is seen only in eu-west-1.
    expect(listed.map((t) => [t.TrailARN, t.HomeRegion, t.IsOrganizationTrail])).toEqual([
      [ORG_TRAIL_ARN, 'us-east-1', true],
    ]);
    const own = (await member.trail.send(new DescribeTrailsCommand({ includeShadowTrails: false })))
      .trailList;
    expect(own).toEqual([]);
    const inEu = (
      await (await clientsAs(sandbox, MEMBER, 'eu-west-1')).trail.send(new DescribeTrailsCommand({}))
    ).trailList;
    expect(inEu?.map((t) => t.Name).sort()).toEqual(['org-eu', 'org-trail']);

    const outsider = await clientsAs(sandbox, OUTSIDER, 'us-east-1');
    expect((await outsider.trail.send(new DescribeTrailsCommand({}))).trailList).toEqual([]);
  });

  it('answers status and selectors to members by ARN only, and refuses their changes', async () => {
    const member = await clientsAs(sandbox, MEMBER, 'us-east-1');
    const status = await member.trail.send(new GetTrailStatusCommand({ Name: ORG_TRAIL_ARN }));
    expect(status.IsLogging).toBe(true);
    const selectors = await member.trail.send(new GetEventSelectorsCommand({ TrailName: ORG_TRAIL_ARN }));
    expect(selectors.TrailARN).toBe(ORG_TRAIL_ARN);
    expect(selectors.EventSelectors?.[0]).toMatchObject({
      ReadWriteType: 'All',
      IncludeManagementEvents: true,
    });
    expect((await errorOf(member.trail.send(new GetTrailStatusCommand({ Name: 'org-trail' })))).name).toBe(
      'TrailNotFoundException',
    );
    expect((await errorOf(member.trail.send(new StopLoggingCommand({ Name: ORG_TRAIL_ARN })))).name).toBe(
      'NotOrganizationMasterAccountException',
    );
    const outsider = await clientsAs(sandbox, OUTSIDER, 'us-east-1');
    expect(
      (await errorOf(outsider.trail.send(new GetTrailStatusCommand({ Name: ORG_TRAIL_ARN })))).name,
    ).toBe('TrailNotFoundException');
  });

  it('lets only the management account turn an organization trail back into an account trail', async () => {
    const audit = await clientsAs(sandbox, AUDIT, 'eu-west-1');
    const eu = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-eu`;
    expect(
      (await errorOf(audit.trail.send(new UpdateTrailCommand({ Name: eu, IsOrganizationTrail: false }))))
        .name,
    ).toBe('NotOrganizationMasterAccountException');
    const { trail } = clientsFor(sandbox, 'eu-west-1');
    await trail.send(new UpdateTrailCommand({ Name: 'org-eu', IsOrganizationTrail: false }));
    const member = await clientsAs(sandbox, MEMBER, 'eu-west-1');
    const seen = (await member.trail.send(new DescribeTrailsCommand({}))).trailList ?? [];
    expect(seen.map((t) => t.Name)).toEqual(['org-trail']);
  });
});
