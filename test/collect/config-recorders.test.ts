import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  ListConfigurationRecordersCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  PutServiceLinkedConfigurationRecorderCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeRecorderActive } from '../../src/checks/config/recorder-active.ts';
import { collectConfigRegion } from '../../src/collect/config.ts';
import { ACCOUNT, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function recorder(recordingGroup: Record<string, unknown>): Promise<void> {
  const cfg = h.config();
  await h.s3().send(new CreateBucketCommand({ Bucket: 'config-logs' }));
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

describe('configuration recorders over HTTP', () => {
  it('lists the customer recorder as PAID and service-linked ones as INTERNAL, which do not count', async () => {
    const cfg = h.config();
    await cfg.send(
      new PutServiceLinkedConfigurationRecorderCommand({ ServicePrincipal: 'securityhub.amazonaws.com' }),
    );
    let region = await collectConfigRegion(h.factory, ACCOUNT, 'us-east-1');
    expect(region.recorderSummaries).toMatchObject({
      status: 'ok',
      value: [{ recordingScope: 'INTERNAL', servicePrincipal: 'securityhub.amazonaws.com' }],
    });
    let v = judgeRecorderActive(region);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('recordingScope INTERNAL');

    await recorder({ allSupported: true, includeGlobalResourceTypes: true });
    const listed = await cfg.send(
      new ListConfigurationRecordersCommand({
        Filters: [{ filterName: 'recordingScope', filterValue: ['PAID'] }],
      }),
    );
    expect(listed.ConfigurationRecorderSummaries?.map((r) => [r.name, r.recordingScope])).toEqual([
      ['default', 'PAID'],
    ]);
    region = await collectConfigRegion(h.factory, ACCOUNT, 'us-east-1');
    v = judgeRecorderActive(region);
    expect(v.status).toBe('pass');
    expect(v.reason).toContain('does not count');
  });

  it('reads the exclusion strategy: excluding KMS keys fails', async () => {
    await recorder({
      allSupported: false,
      includeGlobalResourceTypes: false,
      exclusionByResourceTypes: { resourceTypes: ['AWS::KMS::Key'] },
      recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
    });
    const region = await collectConfigRegion(h.factory, ACCOUNT, 'us-east-1');
    expect(region.recorders).toMatchObject({
      status: 'ok',
      value: [
        { recordingStrategy: 'EXCLUSION_BY_RESOURCE_TYPES', exclusionResourceTypes: ['AWS::KMS::Key'] },
      ],
    });
    const v = judgeRecorderActive(region);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('does not record AWS::KMS::Key (excluded)');
  });

  it('a denied ListConfigurationRecorders leaves the customer recorder judged', async () => {
    await recorder({ allSupported: true, includeGlobalResourceTypes: true });
    h.addFault({ service: 'config', operation: 'ListConfigurationRecorders', kind: 'AccessDenied' });
    const region = await collectConfigRegion(h.factory, ACCOUNT, 'us-east-1');
    expect(region.recorderSummaries?.status).toBe('denied');
    expect(judgeRecorderActive(region).status).toBe('pass');
  });
});
