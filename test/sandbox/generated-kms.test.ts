import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { generateScenario } from '../../src/sandbox/scenarios/index.ts';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { LONG_TERM, s3 } from './clients.ts';

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('generated scenarios: KMS keys', () => {
  it('share a handful of keys per region among the SSE-KMS buckets', () => {
    const spec = generateScenario({ buckets: 400, regions: 2 });
    const referenced = new Set(
      (spec.buckets ?? []).flatMap((b) => (b.encryption ?? []).flatMap((r) => r.KMSMasterKeyID ?? [])),
    );
    const declared = new Set((spec.kmsKeys ?? []).map((k) => `${k.region}/${k.keyId}`));
    expect(referenced.size).toBeGreaterThan(0);
    expect(referenced.size).toBeLessThanOrEqual(declared.size);
    for (const arn of referenced) {
      const [, , , region, , resource] = arn.split(':');
      expect(declared).toContain(`${region}/${resource?.replace('key/', '')}`);
    }
  });

  it('every key a generated bucket names can be described over the wire', async () => {
    sandbox = await startSandbox({ scenario: 'generated:200:2:7' });
    const client = s3(sandbox);
    const arns = new Set<string>();
    for (const [name, bucket] of sandbox.state.buckets) {
      const enc = await client
        .send(
          new GetBucketEncryptionCommand({ Bucket: name }),
          // Buckets live in two regions; the sandbox answers any region over path style.
        )
        .catch(() => undefined);
      for (const rule of enc?.ServerSideEncryptionConfiguration?.Rules ?? []) {
        const id = rule.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID;
        if (id) arns.add(`${bucket.region}|${id}`);
      }
    }
    expect(arns.size).toBeGreaterThan(0);
    for (const entry of arns) {
      const [region, arn] = entry.split('|') as [string, string];
      const kms = new KMSClient({ endpoint: sandbox.url, region, credentials: LONG_TERM, maxAttempts: 1 });
      const out = await kms.send(new DescribeKeyCommand({ KeyId: arn }));
      expect(out.KeyMetadata?.Arn).toBe(arn);
      expect(out.KeyMetadata?.KeyState).toBe('Enabled');
      kms.destroy();
    }
    client.destroy();
  });
});
