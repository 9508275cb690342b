import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { bucketPopulation } from '../../src/render/populations.ts';
import { account, bucket, config, okOf, snapshot } from '../support/snapshot.ts';

/** The bucket inventory (report table and inventory/buckets.csv) says when a bucket's tags govern access. */
describe('bucket inventory with S3 ABAC and DSSE-KMS', () => {
  it('says ABAC is on, warns on a tag-decided class, and shows Bucket Keys as n/a for DSSE-KMS', async () => {
    const cfg = config({
      classification: {
        default: 'sensitive',
        rules: [{ level: 'standard', tag: { key: 'data-class', values: ['public'] } }],
      },
    });
    const snap = snapshot([
      account({
        buckets: [
          bucket('abac-on', {
            tags: okOf({ 'data-class': 'public' }, 'GetBucketTagging'),
            abac: okOf({ status: 'Enabled' as const }, 'GetBucketAbac'),
          }),
          bucket('abac-off', {
            tags: okOf({ 'data-class': 'public' }, 'GetBucketTagging'),
            abac: okOf({ status: 'Disabled' as const }, 'GetBucketAbac'),
            encryption: okOf(
              {
                rules: [
                  { sseAlgorithm: 'aws:kms:dsse', kmsMasterKeyId: 'alias/data', bucketKeyEnabled: true },
                ],
              },
              'GetBucketEncryption',
            ),
          }),
        ],
      }),
    ]);
    const population = bucketPopulation(snap, await evaluate(snap, cfg));
    const col = (id: string) => population.columns.findIndex((c) => c.id === id);
    const row = (name: string) => population.rows.find((r) => r[col('bucket')]?.text === name);
    const on = row('abac-on');
    const off = row('abac-off');
    expect(on?.[col('abac')]).toMatchObject({
      text: 'Enabled: bucket tags govern access',
      tone: 'warn',
    });
    expect(on?.[col('classification_rule')]?.text).toMatch(/tag data-class.*also an access-control input/);
    expect(off?.[col('abac')]?.text).toBe('Disabled');
    expect(off?.[col('classification_rule')]?.text).not.toMatch(/access-control/);
    expect(off?.[col('bucket_key')]?.text).toBe('n/a (DSSE-KMS)');
  });
});
