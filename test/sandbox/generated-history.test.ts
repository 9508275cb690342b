import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  DescribeConfigurationRecordersCommand,
  GetResourceConfigHistoryCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  type ConfigurationItem,
} from '@aws-sdk/client-config-service';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeletePublicAccessBlockCommand,
  PutBucketAclCommand,
  PutBucketEncryptionCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  planQuarter,
  QUARTER_DAYS,
  type BucketPlan,
  type BucketWrite,
} from '../../src/sandbox/scenarios/generated-history.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { LONG_TERM, s3 } from './clients.ts';

const DAY_MS = 86_400_000;
const END = new Date(Math.floor(Date.now() / 1000) * 1000);
const BUCKETS = 1000;
const REGIONS = 2;

const running: RunningSandbox[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function sandboxOf(scenario: string): Promise<RunningSandbox> {
  const s = await startSandbox({ scenario });
  running.push(s);
  return s;
}

function config(sandbox: RunningSandbox, region: string): ConfigServiceClient {
  return new ConfigServiceClient({ endpoint: sandbox.url, region, credentials: LONG_TERM, maxAttempts: 1 });
}

async function history(sandbox: RunningSandbox, plan: BucketPlan): Promise<ConfigurationItem[]> {
  const client = config(sandbox, plan.region);
  const items: ConfigurationItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetResourceConfigHistoryCommand({
        resourceType: 'AWS::S3::Bucket',
        resourceId: plan.name,
        chronologicalOrder: 'Forward',
        limit: 100,
        nextToken,
      }),
    );
    items.push(...(page.configurationItems ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  client.destroy();
  return items;
}

async function writeEvents(sandbox: RunningSandbox, plan: BucketPlan) {
  const client = new CloudTrailClient({
    endpoint: sandbox.url,
    region: plan.region,
    credentials: LONG_TERM,
    // LookupEvents allows 2 requests per second: the SDK's retries wait out a throttle.
    maxAttempts: 5,
  });
  const out = await client.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: plan.name }],
      MaxResults: 50,
    }),
  );
  client.destroy();
  return (out.Events ?? []).map((e) => ({
    name: e.EventName,
    time: e.EventTime?.toISOString(),
    source: e.EventSource,
    readOnly: e.ReadOnly,
    resources: e.Resources,
  }));
}

/** The SDK call a person would make for one planned write. */
function send(client: S3Client, plan: BucketPlan, w: BucketWrite): Promise<unknown> {
  const Bucket = plan.name;
  switch (w.operation) {
    case 'CreateBucket':
      return client.send(
        new CreateBucketCommand({
          Bucket,
          ...(plan.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: plan.region as 'eu-west-1' } }),
        }),
      );
    case 'PutBucketEncryption':
      return client.send(
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: w.rules.map((r) => ({
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: r.SSEAlgorithm as 'AES256',
                ...(r.KMSMasterKeyID ? { KMSMasterKeyID: r.KMSMasterKeyID } : {}),
              },
              BucketKeyEnabled: r.BucketKeyEnabled === true,
            })),
          },
        }),
      );
    case 'PutBucketPolicy':
      return client.send(new PutBucketPolicyCommand({ Bucket, Policy: w.policy }));
    case 'DeleteBucketPolicy':
      return client.send(new DeleteBucketPolicyCommand({ Bucket }));
    case 'PutPublicAccessBlock':
      return client.send(
        new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: w.configuration }),
      );
    case 'DeletePublicAccessBlock':
      return client.send(new DeletePublicAccessBlockCommand({ Bucket }));
    case 'PutBucketOwnershipControls':
      return client.send(
        new PutBucketOwnershipControlsCommand({
          Bucket,
          OwnershipControls: { Rules: [{ ObjectOwnership: w.ownership }] },
        }),
      );
    case 'PutBucketAcl':
      return client.send(new PutBucketAclCommand({ Bucket, ACL: w.canned }));
    case 'PutBucketTagging':
      return client.send(
        new PutBucketTaggingCommand({
          Bucket,
          Tagging: { TagSet: Object.entries(w.tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
    case 'PutBucketVersioning':
      return client.send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: w.status } }),
      );
  }
}

describe('generated quarter', () => {
  const plans = planQuarter({
    buckets: BUCKETS,
    regions: REGIONS,
    periodEnd: END,
    accountId: '111122223333',
  });
  const kindsOf = (p: BucketPlan) => new Set(p.writes.map((w) => w.write.operation));
  // A few buckets (outside the automation-rewritten ones) whose quarters use every kind of write.
  const allKinds = new Set(plans.flatMap((p) => [...kindsOf(p)]));
  const covering: BucketPlan[] = [];
  const covered = new Set<string>();
  const candidates = plans.filter((p) => p.writes.length < 40);
  while (covered.size < allKinds.size) {
    const gain = (p: BucketPlan) => [...kindsOf(p)].filter((k) => !covered.has(k)).length;
    const best = [...candidates].sort((a, b) => gain(b) - gain(a) || b.writes.length - a.writes.length)[0];
    if (!best || gain(best) === 0) break;
    covering.push(best);
    for (const k of kindsOf(best)) covered.add(k);
  }

  it('records the same AWS Config history and events as the same writes made through the API', async () => {
    expect([...allKinds].sort()).toEqual([
      'CreateBucket',
      'DeletePublicAccessBlock',
      'PutBucketAcl',
      'PutBucketEncryption',
      'PutBucketOwnershipControls',
      'PutBucketPolicy',
      'PutBucketTagging',
      'PutBucketVersioning',
      'PutPublicAccessBlock',
    ]);
    expect(covered).toEqual(allKinds);
    const generated = await sandboxOf(`generated-quarter:${BUCKETS}:${REGIONS}:${END.getTime()}`);

    const replayed = await sandboxOf('empty');
    const recorderStart = new Date(END.getTime() - (QUARTER_DAYS + 60) * DAY_MS);
    replayed.state.setNow(recorderStart);
    const delivery = s3(replayed);
    await delivery.send(new CreateBucketCommand({ Bucket: 'generated-config-delivery' }));
    delivery.destroy();
    for (const region of new Set(covering.map((p) => p.region))) {
      const cfg = config(replayed, region);
      await cfg.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: {
            name: 'default',
            roleARN:
              'arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
            recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
          },
        }),
      );
      await cfg.send(
        new PutDeliveryChannelCommand({
          DeliveryChannel: { name: 'default', s3BucketName: 'generated-config-delivery' },
        }),
      );
      await cfg.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
      cfg.destroy();
    }
    const writes = covering
      .flatMap((plan) => plan.writes.map((w) => ({ plan, ...w })))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    const clients = new Map<string, S3Client>();
    for (const w of writes) {
      const client = clients.get(w.plan.region) ?? s3(replayed, { region: w.plan.region });
      clients.set(w.plan.region, client);
      replayed.state.setNow(w.at);
      await send(client, w.plan, w.write);
    }
    for (const c of clients.values()) c.destroy();
    replayed.state.useRealTime();

    for (const plan of covering) {
      const expected = await history(replayed, plan);
      expect(expected.length).toBe(plan.writes.length);
      expect(await history(generated, plan)).toEqual(expected);
      expect(await writeEvents(generated, plan)).toEqual(await writeEvents(replayed, plan));
    }
  });

  it('gives some buckets enough history for several pages, and key usage over the whole quarter', async () => {
    const generated = await sandboxOf(`generated-quarter:${BUCKETS}:${REGIONS}:${END.getTime()}`);
    const start = END.getTime() - QUARTER_DAYS * DAY_MS;
    const inQuarter = (p: BucketPlan) => p.writes.filter((w) => w.at.getTime() >= start).length;
    expect(plans.some((p) => inQuarter(p) > 200)).toBe(true);
    expect(plans.filter((p) => inQuarter(p) > 0).length).toBeGreaterThan(BUCKETS / 2);
    const kms = generated.state.events.filter((e) => e.eventSource === 'kms.amazonaws.com');
    const days = new Set(kms.map((e) => Math.floor((e.eventTime.getTime() - start) / DAY_MS)));
    for (let d = 0; d < QUARTER_DAYS; d++) expect(days.has(d)).toBe(true);
    // The recorder records every supported type, and since before the quarter.
    for (const region of new Set(plans.map((p) => p.region))) {
      const cfg = config(generated, region);
      const [recorder] =
        (await cfg.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
      expect(recorder?.recordingGroup).toMatchObject({ allSupported: true, resourceTypes: [] });
      const [status] =
        (await cfg.send(new DescribeConfigurationRecorderStatusCommand({}))).ConfigurationRecordersStatus ??
        [];
      expect(status?.recording).toBe(true);
      expect(status!.lastStartTime!.getTime()).toBeLessThan(start);
      cfg.destroy();
    }
  });
});
