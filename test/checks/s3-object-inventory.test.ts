import { describe, expect, it } from 'vitest';
import type { BucketSnapshot, InventoryReportReading } from '../../src/snapshot/model.ts';
import {
  absentOf,
  account,
  bucket,
  config,
  deniedOf,
  errorOf,
  inventoryConfig,
  inventoryCounts,
  okOf,
  snapshot,
} from '../support/snapshot.ts';
import { expectCase, runOne, type Case } from './harness.ts';

const ID = 's3.object-encryption-inventory';
const NAME = 'acme-data';

function withInventory(over: Partial<BucketSnapshot> = {}): BucketSnapshot {
  return bucket(NAME, {
    tags: okOf({ 'data-class': 'confidential' }, 'GetBucketTagging'),
    inventoryConfigurations: okOf([inventoryConfig()], 'ListBucketInventoryConfigurations'),
    ...over,
  });
}

/** A snapshot whose account read the reports (collection.objectInventory on). */
function withReports(b: BucketSnapshot, reports: InventoryReportReading[]) {
  return snapshot([
    account({
      buckets: [b],
      objectInventory: [
        { bucketArn: b.arn, bucket: b.name, accountId: b.accountId, region: b.region, reports },
      ],
    }),
  ]);
}

function reading(report: InventoryReportReading['report'], id = 'daily-encryption'): InventoryReportReading {
  return {
    configurationId: id,
    destinationBucket: 'acme-inventory',
    reportPrefix: `inventory/${NAME}/${id}/`,
    report,
  };
}

const standard = config({ classification: { default: 'standard', rules: [] } });

const cases: Case[] = [
  {
    name: 'an enabled configuration with EncryptionStatus passes when the reports are not read',
    snapshot: () => snapshot([account({ buckets: [withInventory()] })]),
    status: 'pass',
    reason: [
      '"daily-encryption" (Daily, CSV to arn:aws:s3:::acme-inventory)',
      'collection.objectInventory is off',
    ],
  },
  {
    name: 'no inventory configuration fails, without naming encryption statuses',
    snapshot: () =>
      snapshot([
        account({
          buckets: [
            withInventory({ inventoryConfigurations: okOf([], 'ListBucketInventoryConfigurations') }),
          ],
        }),
      ]),
    status: 'fail',
    reason: ['the bucket has no S3 Inventory configuration'],
  },
  {
    name: 'configurations lacking EncryptionStatus or disabled fail, naming each',
    snapshot: () =>
      snapshot([
        account({
          buckets: [
            withInventory({
              inventoryConfigurations: okOf(
                [
                  inventoryConfig({ id: 'weekly-size', optionalFields: ['Size', 'StorageClass'] }),
                  inventoryConfig({ id: 'old', enabled: false }),
                ],
                'ListBucketInventoryConfigurations',
              ),
            }),
          ],
        }),
      ]),
    status: 'fail',
    reason: ['"weekly-size" lacks the EncryptionStatus field', '"old" is disabled'],
  },
  {
    name: 'a denied listing of the configurations is insufficient evidence',
    snapshot: () =>
      snapshot([
        account({
          buckets: [
            withInventory({ inventoryConfigurations: deniedOf('ListBucketInventoryConfigurations') }),
          ],
        }),
      ]),
    status: 'insufficient-evidence',
    reason: ['ListBucketInventoryConfigurations was denied'],
  },
  {
    name: 'a standard bucket is not applicable',
    config: standard,
    snapshot: () =>
      snapshot([
        account({ buckets: [withInventory({ tags: okOf({ 'data-class': 'public' }, 'GetBucketTagging') })] }),
      ]),
    status: 'not-applicable',
  },
  {
    name: 'a report listing NOT-SSE and SSE-S3 objects fails, naming the counts',
    snapshot: () =>
      withReports(withInventory(), [
        reading(okOf(inventoryCounts({ 'SSE-KMS': 8, 'NOT-SSE': 3, 'SSE-S3': 1 }), 'GetObject')),
      ]),
    status: 'fail',
    reason: [
      '3 unencrypted (NOT-SSE) and 1 SSE-S3 objects',
      'counts 12 objects: 3 NOT-SSE, 1 SSE-S3, 8 SSE-KMS',
      /\bNOT-SSE\b/,
    ],
  },
  {
    name: 'a report of KMS-encrypted objects only passes with its counts',
    snapshot: () =>
      withReports(withInventory(), [
        reading(okOf(inventoryCounts({ 'SSE-KMS': 5, 'DSSE-KMS': 2 }), 'GetObject')),
      ]),
    status: 'pass',
    reason: ['counts 7 objects: 5 SSE-KMS, 2 DSSE-KMS'],
  },
  {
    name: 'the newest report decides, not an older one of another configuration',
    snapshot: () =>
      withReports(
        withInventory({
          inventoryConfigurations: okOf(
            [inventoryConfig(), inventoryConfig({ id: 'weekly-encryption', frequency: 'Weekly' })],
            'ListBucketInventoryConfigurations',
          ),
        }),
        [
          reading(
            okOf(inventoryCounts({ 'NOT-SSE': 4 }, { createdAt: '2026-01-01T00:00:00.000Z' }), 'GetObject'),
          ),
          reading(
            okOf(inventoryCounts({ 'SSE-KMS': 4 }, { createdAt: '2026-02-28T01:00:00.000Z' }), 'GetObject'),
            'weekly-encryption',
          ),
        ],
      ),
    status: 'pass',
    reason: ['configuration "weekly-encryption"', '4 SSE-KMS'],
  },
  {
    name: 'no report delivered yet passes on the configuration, saying nothing was counted',
    snapshot: () =>
      withReports(withInventory(), [reading(absentOf('derived:NoInventoryReport', 'ListObjectsV2'))]),
    status: 'pass',
    reason: ['no report has been delivered yet'],
  },
  {
    name: 'a data file that does not match the manifest MD5 is insufficient evidence',
    snapshot: () =>
      withReports(withInventory(), [
        reading(errorOf('GetObject', 's3', undefined, 'ChecksumMismatch', 'data/x.csv.gz: MD5 aaa differs')),
      ]),
    status: 'insufficient-evidence',
    reason: ['ChecksumMismatch', 'data/x.csv.gz: MD5 aaa differs'],
  },
  {
    name: 'a denied read of the destination is insufficient evidence',
    snapshot: () => withReports(withInventory(), [reading(deniedOf('ListObjectsV2'))]),
    status: 'insufficient-evidence',
    reason: ['latest report could not be read: ListObjectsV2 was denied'],
  },
];

describe(ID, () => {
  for (const c of cases) it(c.name, () => expectCase(ID, { ...c, resource: NAME }));

  it('a snapshot made before inventory configurations were collected is insufficient evidence', async () => {
    const [f] = await runOne(
      ID,
      snapshot([account({ buckets: [withInventory({ inventoryConfigurations: undefined })] })]),
    );
    expect(f?.status).toBe('insufficient-evidence');
    expect(f?.reason).toMatch(/were not collected/);
  });
});
