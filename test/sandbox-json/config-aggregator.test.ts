import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeConfigurationAggregatorsCommand,
  GetAggregateComplianceDetailsByConfigRuleCommand,
  PutConfigRuleCommand,
  PutConfigurationAggregatorCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  SelectAggregateResourceConfigCommand,
  type SelectAggregateResourceConfigCommandOutput,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import type { RunningSandbox } from '../../src/sandbox/server.ts';
import { clientsFor, errorOf } from './helpers.ts';
import { clientsAs, setUpOrganization } from './org-helpers.ts';

let MEMBER = '';
let AUDIT = '';
const role = () => `arn:aws:iam::${AUDIT}:role/service-role/AWSConfigRoleForOrganizations`;
const QUERY = "SELECT resourceId, resourceName, accountId, awsRegion WHERE resourceType = 'AWS::S3::Bucket'";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox.close());

async function recording(config: ConfigServiceClient, s3: S3Client, bucket: string): Promise<void> {
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${MEMBER}:role/config`,
        recordingGroup: { allSupported: true },
      },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await config.send(
    new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: bucket } }),
  );
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
}

describe('Config organization aggregators', () => {
  it('needs an organization, and the management account or a Config delegated administrator', async () => {
    const { config } = clientsFor(sandbox, 'us-east-1');
    const put = (c: ConfigServiceClient) =>
      c.send(
        new PutConfigurationAggregatorCommand({
          ConfigurationAggregatorName: 'org',
          OrganizationAggregationSource: { RoleArn: role(), AllAwsRegions: true },
        }),
      );
    expect((await errorOf(put(config))).name).toBe('NoAvailableOrganizationException');
    const org = await setUpOrganization(sandbox, ['member', 'audit'], { audit: ['config.amazonaws.com'] });
    MEMBER = org.ids['member'] ?? '';
    AUDIT = org.ids['audit'] ?? '';
    const member = await clientsAs(sandbox, MEMBER, 'us-east-1');
    expect((await errorOf(put(member.config))).name).toBe('OrganizationAccessDeniedException');
    const audit = await clientsAs(sandbox, AUDIT, 'us-east-1');
    expect(
      (
        await errorOf(
          audit.config.send(
            new PutConfigurationAggregatorCommand({
              ConfigurationAggregatorName: 'org',
              OrganizationAggregationSource: { RoleArn: role() },
            }),
          ),
        )
      ).name,
    ).toBe('InvalidParameterValueException');
    const created = await put(audit.config);
    expect(created.ConfigurationAggregator).toMatchObject({
      ConfigurationAggregatorName: 'org',
      OrganizationAggregationSource: { RoleArn: role(), AllAwsRegions: true },
    });
    expect(created.ConfigurationAggregator?.ConfigurationAggregatorArn).toMatch(
      new RegExp(`^arn:aws:config:us-east-1:${AUDIT}:config-aggregator/config-aggregator-`),
    );
    const described = await audit.config.send(new DescribeConfigurationAggregatorsCommand({}));
    expect(described.ConfigurationAggregators?.map((a) => a.ConfigurationAggregatorName)).toEqual(['org']);
    expect(
      (
        await errorOf(
          audit.config.send(
            new DescribeConfigurationAggregatorsCommand({ ConfigurationAggregatorNames: ['nope'] }),
          ),
        )
      ).name,
    ).toBe('NoSuchConfigurationAggregatorException');
  });

  it('holds rule compliance and the recorded buckets of every account, page by page', async () => {
    const member = await clientsAs(sandbox, MEMBER, 'us-east-1');
    await recording(member.config, member.s3, 'member-config-delivery');
    for (const b of ['member-a', 'member-b', 'member-c'])
      await member.s3.send(new CreateBucketCommand({ Bucket: b }));
    // A region without a recorder: Config never knows this bucket.
    const memberEu = await clientsAs(sandbox, MEMBER, 'eu-west-1');
    await memberEu.s3.send(
      new CreateBucketCommand({
        Bucket: 'member-eu',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await member.config.send(
      new PutConfigRuleCommand({
        ConfigRule: {
          ConfigRuleName: 'sse',
          Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
        },
      }),
    );
    await member.config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['sse'] }));

    const audit = (await clientsAs(sandbox, AUDIT, 'us-east-1')).config;
    const rules = await audit.send(
      new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: 'org' }),
    );
    expect(rules.AggregateComplianceByConfigRules).toEqual([
      {
        ConfigRuleName: 'sse',
        Compliance: { ComplianceType: 'COMPLIANT' },
        AccountId: MEMBER,
        AwsRegion: 'us-east-1',
      },
    ]);

    const details: string[] = [];
    let token: string | undefined;
    do {
      const page = await audit.send(
        new GetAggregateComplianceDetailsByConfigRuleCommand({
          ConfigurationAggregatorName: 'org',
          ConfigRuleName: 'sse',
          AccountId: MEMBER,
          AwsRegion: 'us-east-1',
          Limit: 1,
          NextToken: token,
        }),
      );
      for (const r of page.AggregateEvaluationResults ?? []) {
        expect(r).toMatchObject({ AccountId: MEMBER, AwsRegion: 'us-east-1', ComplianceType: 'COMPLIANT' });
        details.push(r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ResourceId ?? '');
      }
      token = page.NextToken;
    } while (token);
    expect(details.sort()).toEqual(['member-a', 'member-b', 'member-c', 'member-config-delivery']);

    const rows: unknown[] = [];
    token = undefined;
    do {
      const page: SelectAggregateResourceConfigCommandOutput = await audit.send(
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: 'org',
          Expression: QUERY,
          Limit: 3,
          NextToken: token,
        }),
      );
      expect(page.QueryInfo?.SelectFields?.map((f) => f.Name)).toEqual([
        'resourceId',
        'resourceName',
        'accountId',
        'awsRegion',
      ]);
      rows.push(...(page.Results ?? []).map((r) => JSON.parse(r) as unknown));
      token = page.NextToken;
    } while (token);
    expect(rows).toEqual(
      ['member-a', 'member-b', 'member-c', 'member-config-delivery'].map((b) => ({
        resourceId: b,
        resourceName: b,
        accountId: MEMBER,
        awsRegion: 'us-east-1',
      })),
    );

    const bad = await errorOf(
      audit.send(
        new SelectAggregateResourceConfigCommand({
          ConfigurationAggregatorName: 'org',
          Expression: 'SELECT *',
        }),
      ),
    );
    expect(bad.name).toBe('InvalidExpressionException');
  });
});
