import {
  PutConfigRuleCommand,
  PutConfigurationAggregatorCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigRulesEvaluationCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { reconcileBuckets } from '../../src/render/aggregator-populations.ts';
import { buildCsvFiles } from '../../src/render/csv.ts';
import { buildReportModel } from '../../src/render/view-model.ts';
import { clientsAs, MEMBER_ROLE, setUpOrganization } from '../sandbox-json/org-helpers.ts';
import { ACCOUNT, startHarness, testConfig, type Harness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A recording Config with the S3 encryption rule in `accountId`, us-east-1. */
async function configIn(harness: Harness, accountId: string, buckets: string[]) {
  const { config, s3 } = await clientsAs(harness.sandbox, accountId, 'us-east-1');
  await config.send(
    new PutConfigurationRecorderCommand({
      ConfigurationRecorder: {
        name: 'default',
        roleARN: `arn:aws:iam::${accountId}:role/config`,
        recordingGroup: { allSupported: true },
      },
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: `config-${accountId}` }));
  await config.send(
    new PutDeliveryChannelCommand({
      DeliveryChannel: { name: 'default', s3BucketName: `config-${accountId}` },
    }),
  );
  await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  for (const b of buckets) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await config.send(
    new PutConfigRuleCommand({
      ConfigRule: {
        ConfigRuleName: 'org-s3-sse',
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED' },
      },
    }),
  );
  await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ['org-s3-sse'] }));
  return { config, s3 };
}

describe('the AWS Config aggregator over HTTP', () => {
  it('gives organization-wide results and reconciles the bucket population with ListBuckets', async () => {
    h = await startHarness({ accountId: undefined });
    const { ids } = await setUpOrganization(h.sandbox, ['member', 'audit', 'unread'], {
      audit: ['config.amazonaws.com'],
    });
    const MEMBER = ids['member'] ?? '';
    const AUDIT = ids['audit'] ?? '';
    /** In the organization, but not among the accounts the run reads. */
    const UNREAD = ids['unread'] ?? '';
    const member = await configIn(h, MEMBER, ['member-a', 'member-b']);
    await configIn(h, UNREAD, ['unread-data']);
    // Created while the member's recorder is stopped: listed, unknown to Config.
    await member.config.send(new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    await member.s3.send(new CreateBucketCommand({ Bucket: 'member-late' }));
    const audit = await clientsAs(h.sandbox, AUDIT, 'us-east-1');
    await audit.config.send(
      new PutConfigurationAggregatorCommand({
        ConfigurationAggregatorName: 'org',
        OrganizationAggregationSource: {
          RoleArn: `arn:aws:iam::${AUDIT}:role/aggregator`,
          AllAwsRegions: true,
        },
      }),
    );

    const config = testConfig({
      regions: ['us-east-1'],
      accounts: [
        { name: 'member', roleArn: `arn:aws:iam::${MEMBER}:role/${MEMBER_ROLE}` },
        { name: 'audit', roleArn: `arn:aws:iam::${AUDIT}:role/${MEMBER_ROLE}` },
      ],
      awsConfig: { aggregatorName: 'org', aggregatorAccountId: AUDIT },
    });
    const snapshot = await collect({ config, factory: h.factory, toolVersion: 'test', runId: 'agg' });
    const selected = snapshot.aggregator?.selected;
    expect(selected).toMatchObject({
      name: 'org',
      region: 'us-east-1',
      organizationWide: true,
      allRegions: true,
    });
    expect(selected?.buckets.status).toBe('ok');

    // Results for the read member identified by its own rule; for the unread account by the rule's name.
    const results = [...(selected?.results ?? [])]
      .sort((a, b) => (a.identifiedBy < b.identifiedBy ? 1 : -1))
      .map((r) => [
        r.accountId,
        r.ruleName,
        r.sourceIdentifier,
        r.identifiedBy,
        r.evaluations.status === 'ok'
          ? r.evaluations.value.map((e) => e.resourceId).sort()
          : r.evaluations.status,
      ]);
    expect(results).toEqual([
      [
        MEMBER,
        'org-s3-sse',
        'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
        'rule',
        ['config-' + MEMBER, 'member-a', 'member-b'],
      ],
      [
        UNREAD,
        'org-s3-sse',
        'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
        'name',
        ['config-' + UNREAD, 'unread-data'],
      ],
    ]);

    const reconciliation = reconcileBuckets(snapshot);
    const differences = reconciliation?.buckets
      .filter((b) => b.difference !== 'none')
      .map((b) => [b.accountId, b.bucket, b.difference, b.detail])
      .sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1));
    expect(differences).toEqual([
      [
        UNREAD,
        `config-${UNREAD}`,
        'aggregator-only',
        'account not read by this run: the bucket is missing from this pack',
      ],
      [
        MEMBER,
        'member-late',
        'listed-only',
        'not recorded: the configuration recorder in us-east-1 is stopped',
      ],
      [
        UNREAD,
        'unread-data',
        'aggregator-only',
        'account not read by this run: the bucket is missing from this pack',
      ],
    ]);
    expect(reconciliation?.counts).toEqual({ none: 3, 'aggregator-only': 2, 'listed-only': 1 });

    const evaluation = await evaluate(snapshot, config);
    const csv = buildCsvFiles(snapshot, evaluation).find(
      (f) => f.path === 'inventory/bucket-reconciliation.csv',
    );
    const lines = csv?.content.split('\r\n') ?? [];
    expect(lines[0]).toBe(
      'run_id,as_of,account_id,region,bucket,in_listbuckets,in_aggregator,difference,detail',
    );
    const rows = lines.slice(1, 7).map((l) => l.split(',').slice(2, 8).join(','));
    // Differences first, then the buckets both sources know.
    expect(rows.slice(0, 3).sort()).toEqual(
      [
        `${MEMBER},us-east-1,member-late,yes,no,listed only`,
        `${UNREAD},us-east-1,config-${UNREAD},no,yes,known to Config only`,
        `${UNREAD},us-east-1,unread-data,no,yes,known to Config only`,
      ].sort(),
    );
    expect(rows.slice(3)).toEqual([
      `${MEMBER},us-east-1,config-${MEMBER},yes,yes,none`,
      `${MEMBER},us-east-1,member-a,yes,yes,none`,
      `${MEMBER},us-east-1,member-b,yes,yes,none`,
    ]);
    const model = buildReportModel({
      snapshot,
      evaluation,
      config,
      evidenceIndex: [],
      evidenceDigest: '0'.repeat(64),
      screenshots: [],
      renderer: 'pdfkit',
      toolVersion: '0.0.0-test',
    });
    expect(model.inventory.aggregator?.lead).toBe(
      `AWS Config aggregator "org" (account ${AUDIT}, us-east-1; organization-wide, all regions). Of 6 buckets known to either source, 3 agree, 2 are known to Config only (not returned by ListBuckets) and 1 were listed but are unknown to Config; every one is in inventory/bucket-reconciliation.csv.`,
    );
  });

  it('looks for no aggregator unless asked, and says when the named one is not there', async () => {
    h = await startHarness({ accountId: undefined });
    const none = await collect({
      config: testConfig({ regions: ['us-east-1'] }),
      factory: h.factory,
      toolVersion: 't',
      runId: 'a',
    });
    expect(none.aggregator).toBeUndefined();
    expect(h.requests('config', 'DescribeConfigurationAggregators')).toBe(0);
    const named = await collect({
      config: testConfig({ regions: ['us-east-1', 'eu-west-1'], awsConfig: { aggregatorName: 'missing' } }),
      factory: h.factory,
      toolVersion: 't',
      runId: 'b',
    });
    expect(named.aggregator).toMatchObject({ accountId: ACCOUNT, requestedName: 'missing' });
    expect(named.aggregator?.discovery.map((d) => [d.region, d.result.status])).toEqual([
      ['eu-west-1', 'ok'],
      ['us-east-1', 'ok'],
    ]);
    expect(named.aggregator?.selected).toBeUndefined();
  });
});
